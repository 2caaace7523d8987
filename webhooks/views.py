"""Portal pages of tenant webhooks: endpoints, their delivery log, redelivery. Owners and
admins manage endpoints; every member may read the log."""

import json

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views import View
from django.views.generic import TemplateView

from messaging.selectors import keyset_page
from tenants.forms import add_service_errors
from tenants.views import TenantRequiredMixin
from webhooks import signing
from webhooks.forms import EndpointEditForm, EndpointForm
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.services import (
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
    redeliver,
    send_test_event,
)

SECRET_SHOWN_SESSION_KEY = "webhooks.secret_to_show"


def _redirect_to_secret(request, endpoint: WebhookEndpoint):
    """Post/redirect/get: a reload of the secret page creates or rotates nothing.

    The session holds only which endpoint's secret may be shown once, never the secret.
    """
    request.session[SECRET_SHOWN_SESSION_KEY] = str(endpoint.pk)
    return redirect("webhooks:endpoint_secret", pk=endpoint.pk)


def _secret_page(request, endpoint: WebhookEndpoint, secret: str):
    """The secret exists in clear only in this response: never cached."""
    response = render(
        request,
        "webhooks/secret.html",
        {"endpoint": endpoint, "secret": secret, "tenant": endpoint.tenant,
         "signature_header": signing.SIGNATURE_HEADER,
         "timestamp_header": signing.TIMESTAMP_HEADER},
    )  # fmt: skip
    add_never_cache_headers(response)
    return response


class EndpointListView(TenantRequiredMixin, TemplateView):
    template_name = "webhooks/endpoints.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", EndpointForm())
        context.update(
            endpoints=WebhookEndpoint.objects.for_tenant(self.tenant),
            signature_header=signing.SIGNATURE_HEADER,
            timestamp_header=signing.TIMESTAMP_HEADER,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = EndpointForm(request.POST)
        if form.is_valid():
            try:
                endpoint = endpoint_create(
                    tenant=self.tenant,
                    url=form.cleaned_data["url"],
                    event_types=form.cleaned_data["event_types"],
                    description=form.cleaned_data["description"],
                    secret=form.cleaned_data["secret"],
                    actor=self.actor,
                )
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                return _redirect_to_secret(request, endpoint)
        return self.render_to_response(self.get_context_data(form=form))


class EndpointMixin(TenantRequiredMixin):
    write_permission = "manage"

    def get_endpoint(self) -> WebhookEndpoint:
        return get_object_or_404(
            WebhookEndpoint.objects.for_tenant(self.tenant), pk=self.kwargs["pk"]
        )


class EndpointDetailView(EndpointMixin, TemplateView):
    template_name = "webhooks/endpoint.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = kwargs.get("endpoint") or self.get_endpoint()
        deliveries = WebhookDelivery.objects.for_tenant(self.tenant).filter(endpoint=endpoint)
        page = keyset_page(deliveries, self.request.GET.get("after"), 25)
        context.setdefault(
            "form",
            EndpointEditForm(
                initial={
                    "url": endpoint.url,
                    "description": endpoint.description,
                    "event_types": endpoint.event_types,
                    "is_active": endpoint.is_active,
                }
            ),
        )
        context.update(endpoint=endpoint, page=page, deliveries=page.items)
        return context

    def post(self, request, *args, **kwargs):
        endpoint = self.get_endpoint()
        form = EndpointEditForm(request.POST)
        if form.is_valid():
            try:
                endpoint_update(endpoint=endpoint, data=form.cleaned_data, actor=self.actor)
            except ValidationError as err:
                add_service_errors(form, err)
            else:
                flash.success(request, "Endpoint saved.")
                return redirect("webhooks:endpoint", pk=endpoint.pk)
        return self.render_to_response(self.get_context_data(form=form, endpoint=endpoint))


class EndpointActionView(EndpointMixin, View):
    """Test, rotate the secret of, or delete an endpoint (POST `action`)."""

    def post(self, request, pk):
        endpoint = self.get_endpoint()
        action = request.POST.get("action")
        if action == "test":
            send_test_event(endpoint=endpoint, actor=self.actor)
            flash.success(request, "A test event is on its way; watch the log below.")
        elif action == "rotate":
            endpoint_rotate_secret(endpoint=endpoint, actor=self.actor)
            return _redirect_to_secret(request, endpoint)
        elif action == "delete":
            endpoint_delete(endpoint=endpoint, actor=self.actor)
            flash.success(request, f"The endpoint {endpoint.url} was deleted.")
            return redirect("webhooks:endpoints")
        return redirect("webhooks:endpoint", pk=endpoint.pk)


class EndpointSecretView(EndpointMixin, View):
    """Shows a just-created or just-rotated secret once, right after the POST that made it."""

    http_method_names = ["get"]

    def get(self, request, pk):
        endpoint = self.get_endpoint()
        if request.session.pop(SECRET_SHOWN_SESSION_KEY, None) != str(endpoint.pk):
            flash.info(
                request,
                "A signing secret is shown only once, right after it is created or rotated. "
                "If you didn't copy it, rotate it again.",
            )
            return redirect("webhooks:endpoint", pk=endpoint.pk)
        return _secret_page(request, endpoint, endpoint.secret.reveal())


class DeliveryDetailView(TenantRequiredMixin, TemplateView):
    template_name = "webhooks/delivery.html"
    write_permission = "manage"

    def get_delivery(self) -> WebhookDelivery:
        return get_object_or_404(
            WebhookDelivery.objects.for_tenant(self.tenant).select_related("endpoint"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        delivery = self.get_delivery()
        context.update(
            delivery=delivery,
            attempts=list(delivery.log.all()),
            pretty=json.dumps(delivery.payload, indent=2, sort_keys=True),
        )
        return context

    def post(self, request, *args, **kwargs):
        again = redeliver(delivery=self.get_delivery(), actor=self.actor)
        flash.success(request, "The event is being delivered again.")
        return redirect("webhooks:delivery", pk=again.pk)
