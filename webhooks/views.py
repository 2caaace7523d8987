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


def _secret_page(request, endpoint: WebhookEndpoint, secret: str):
    """The secret exists in clear only in this response: never cached, never redirected to."""
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
                return _secret_page(request, endpoint, endpoint.secret.reveal())
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
            secret = endpoint_rotate_secret(endpoint=endpoint, actor=self.actor)
            return _secret_page(request, endpoint, secret)
        elif action == "delete":
            endpoint_delete(endpoint=endpoint, actor=self.actor)
            flash.success(request, f"The endpoint {endpoint.url} was deleted.")
            return redirect("webhooks:endpoints")
        return redirect("webhooks:endpoint", pk=endpoint.pk)


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
