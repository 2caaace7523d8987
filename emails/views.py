"""Portal pages of the email channel: sending domains and addresses, the tenant's own ESP
credentials, and the suppression list. Templates and the send page are in
`views_templates` and `views_send`.

Thin: reads through `emails.selectors`, writes through `emails.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import TemplateView

from emails.esp import EspError
from emails.forms import CredentialsForm, IdentityForm, SuppressForm, attach_errors
from emails.models import EmailIdentity
from emails.selectors import (
    credentials_for,
    identity_for_tenant,
    identity_history,
    identity_list,
    masked_key,
    suppression_for_tenant,
    suppression_list,
)
from emails.services import (
    credentials_delete,
    credentials_save,
    dns_records,
    identity_check_now,
    identity_create,
    identity_delete,
    suppress,
    unsuppress,
)
from messaging import csvio
from messaging.models import OptOut
from tenants.views import TenantManageMixin, TenantRequiredMixin

PAGE_SIZE = 50


def _page(request, queryset, **params) -> dict:
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return {"page": page, "filter_query": query, **params}


# --- sending identities -----------------------------------------------------------------


class IdentityListView(TenantRequiredMixin, TemplateView):
    """Sending domains and addresses with their status; owners and admins add one here."""

    template_name = "emails/identities.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:200]
        status = self.request.GET.get("status", "")
        found = identity_list(self.tenant, query=query, status=status)
        context.update(_page(self.request, found, q=query, status=status))
        context.setdefault("form", IdentityForm())
        context["statuses"] = EmailIdentity.Status.choices
        return context

    def post(self, request):
        form = IdentityForm(request.POST)
        if form.is_valid():
            try:
                identity = identity_create(
                    tenant=self.tenant, name=form.cleaned_data["name"], actor=self.actor
                )
            except ValidationError as err:
                attach_errors(form, err)
            else:
                messages.success(request, f"{identity.name} added: publish its DNS records.")
                return redirect("emails:identity", pk=identity.pk)
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)


class IdentityDetailView(TenantRequiredMixin, TemplateView):
    """One identity: its DNS records to publish, its status and its history."""

    template_name = "emails/identity.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        identity = identity_for_tenant(self.tenant, self.kwargs["pk"])
        context.update(
            identity=identity,
            records=dns_records(identity),
            history=identity_history(identity),
        )
        return context


class IdentityCheckView(TenantManageMixin, View):
    def post(self, request, pk):
        identity = identity_for_tenant(self.tenant, pk)
        identity_check_now(identity=identity, actor=self.actor)
        messages.info(request, f"Checking {identity.name} at the ESP; this page will show it.")
        return redirect("emails:identity", pk=identity.pk)


class IdentityDeleteView(TenantManageMixin, View):
    def post(self, request, pk):
        identity = identity_for_tenant(self.tenant, pk)
        try:
            identity_delete(identity=identity, actor=self.actor)
        except EspError as err:
            messages.error(request, f"The ESP didn't answer ({err.message}); try again.")
            return redirect("emails:identity", pk=identity.pk)
        messages.success(request, f"{identity.name} removed; nothing more is sent from it.")
        return redirect("emails:identities")


# --- the tenant's own ESP credentials ---------------------------------------------------


class CredentialsView(TenantManageMixin, TemplateView):
    """Entered once: afterwards only the masked key, the status and (this once) the
    tracking URL are shown. Readable by owners and admins only."""

    template_name = "emails/credentials.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        credentials = credentials_for(self.tenant)
        context.setdefault("form", CredentialsForm())
        context.update(
            credentials=credentials,
            masked=masked_key(credentials) if credentials else "",
            tracking_url=self.request.session.pop("email_tracking_url", ""),
        )
        return context

    def post(self, request):
        form = CredentialsForm(request.POST)
        if form.is_valid():
            try:
                _, tracking_url = credentials_save(
                    tenant=self.tenant, actor=self.actor, **form.cleaned_data
                )
            except ValidationError as err:
                attach_errors(form, err)
            except EspError as err:
                form.add_error(None, f"The ESP didn't answer ({err.message}); try again.")
            else:
                # Shown once, on the page this redirect lands on.
                request.session["email_tracking_url"] = tracking_url
                messages.success(request, "Your SES account answered; its keys are saved.")
                return redirect("emails:credentials")
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)


class CredentialsDeleteView(TenantManageMixin, View):
    def post(self, request):
        if credentials_for(self.tenant) is not None:
            credentials_delete(tenant=self.tenant, actor=self.actor)
            messages.success(request, "Your email goes through the platform's ESP account again.")
        return redirect("emails:credentials")


# --- suppression list -------------------------------------------------------------------


def _suppression_params(request) -> tuple[str, str]:
    return request.GET.get("q", "")[:200], request.GET.get("source", "")[:16]


class SuppressionListView(TenantRequiredMixin, TemplateView):
    template_name = "emails/suppressions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query, source = _suppression_params(self.request)
        found = suppression_list(self.tenant, query=query, source=source)
        context.update(_page(self.request, found, q=query, source=source))
        context["sources"] = OptOut.Source.choices
        context.setdefault("form", SuppressForm())
        return context

    def post(self, request):
        form = SuppressForm(request.POST)
        if form.is_valid():
            try:
                optout, created = suppress(
                    tenant=self.tenant,
                    address=form.cleaned_data["address"],
                    source=OptOut.Source.MANUAL,
                    reason=form.cleaned_data["reason"],
                    actor=self.actor,
                )
            except ValidationError as err:
                attach_errors(form, err, {"number": "address"})
            else:
                if created:
                    messages.success(request, f"{optout.number} is suppressed.")
                else:
                    messages.info(request, f"{optout.number} was already suppressed.")
                return redirect("emails:suppressions")
        context = self.get_context_data(form=form)
        return TemplateResponse(request, self.template_name, context, status=400)


class SuppressionRemoveView(TenantRequiredMixin, View):
    def post(self, request, pk):
        optout = suppression_for_tenant(self.tenant, pk)
        unsuppress(
            tenant=self.tenant,
            address=optout.number,
            reason=request.POST.get("reason", "")[:500],
            actor=self.actor,
        )
        messages.success(request, f"{optout.number} can be emailed again.")
        return redirect("emails:suppressions")


class SuppressionExportView(TenantRequiredMixin, View):
    def get(self, request):
        query, source = _suppression_params(request)
        found = suppression_list(self.tenant, query=query, source=source)
        rows = (csvio.optout_row(o) for o in found.iterator(2000))
        return csvio.stream_csv("email-suppressions.csv", csvio.OPTOUT_HEADER, rows)
