"""Portal pages of 10DLC registration, and the endpoint TrustHub's status callbacks reach.

Pages are thin: reads go through the selectors (scoped with `for_tenant`), writes through
the services.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import TemplateView

from compliance.forms import WIDE, RegistrationForm
from compliance.models import Registration
from compliance.selectors import (
    FIELD_LABELS,
    changes_since_approved,
    compliance_state,
    form_initial,
    reviewed_callback_owner,
    shown_value,
)
from compliance.services import ComplianceConflict, brand_otp_resend, registration_submit
from compliance.timeline import timeline
from compliance.validation import RULES
from tenants.views import TenantRequiredMixin
from webhooks.twilio_auth import twilio_callback

logger = logging.getLogger(__name__)


class StatusPageView(TenantRequiredMixin, TemplateView):
    """Where the tenant stands: the timeline of the version in progress (or the active one),
    next actions, what changed since approval, and every version."""

    template_name = "compliance/status.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["compliance/_timeline.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = compliance_state(self.tenant)
        shown = state.current or state.latest
        context.update(
            state=state,
            shown=shown,
            steps=timeline(shown) if shown is not None else [],
            approved_changes=changes_since_approved(self.tenant),
            versions=Registration.objects.for_tenant(self.tenant).order_by("-version"),
            live=shown is not None and shown.is_open,
            # Sandbox mode: the OTP text lands in the handset simulator, where the owner replies.
            handset_simulator=settings.TWILIO_MODE == "sandbox",
        )
        return context


def _attach_errors(form: RegistrationForm, error: ValidationError) -> None:
    """Pre-flight errors beside their fields; `sample_messages.1` goes on the samples."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, problems in error.message_dict.items():
        field, _, index = key.partition(".")
        if index.isdigit():
            problems = [f"Sample {int(index) + 1}: {p}" for p in problems]
        form.add_error(field if field in form.fields else None, problems)


class WizardView(TenantRequiredMixin, TemplateView):
    """The 10DLC form, pre-filled from the business profile; submitting starts a version."""

    template_name = "compliance/wizard.html"
    write_permission = "manage"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = compliance_state(self.tenant)
        in_review = state.current is not None and state.current.is_open
        context.setdefault(
            "form",
            RegistrationForm(
                initial=RegistrationForm.initial_from(form_initial(self.tenant)),
                read_only=not self.can_manage or in_review,
            ),
        )
        context.update(
            state=state,
            in_review=in_review,
            approved_changes=changes_since_approved(self.tenant),
            rules=RULES,
            wide_fields=WIDE,
            labels=FIELD_LABELS,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = RegistrationForm(request.POST)
        draft = "save_draft" in request.POST
        if form.is_valid():
            try:
                registration = registration_submit(
                    tenant=self.tenant, data=form.submission(), actor=self.actor, draft=draft
                )
            except ValidationError as err:
                _attach_errors(form, err)
            except ComplianceConflict as err:
                form.add_error(None, str(err))
            else:
                if draft:
                    messages.success(request, f"Version {registration.version} saved as a draft.")
                    return redirect("compliance:wizard")
                messages.success(
                    request,
                    f"Version {registration.version} submitted. We'll take it through each step "
                    "and email you as it moves.",
                )
                return redirect("compliance:index")
        return self.render_to_response(self.get_context_data(form=form))


class VersionView(TenantRequiredMixin, TemplateView):
    """One version: its snapshot as submitted and the history of each of its steps."""

    template_name = "compliance/version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        registration = get_object_or_404(
            Registration.objects.for_tenant(self.tenant).select_related(
                "customer_profile", "trust_product", "brand", "campaign"
            ),
            pk=self.kwargs["pk"],
        )
        snapshot = [
            (FIELD_LABELS.get(name, name), shown_value(value))
            for name, value in registration.snapshot.items()
            if value not in ("", [], None)
        ]
        context.update(registration=registration, steps=timeline(registration), snapshot=snapshot)
        return context


class ResendOtpView(TenantRequiredMixin, View):
    """The owner asks Twilio to text the sole-proprietor OTP again."""

    write_permission = "manage"
    http_method_names = ["post"]

    def post(self, request, pk):
        registration = get_object_or_404(
            Registration.objects.for_tenant(self.tenant).select_related("brand"), pk=pk
        )
        try:
            brand_otp_resend(registration=registration, actor=self.actor)
        except ComplianceConflict as err:
            messages.error(request, str(err))
        else:
            messages.success(request, "We asked Twilio to text the code again.")
        return redirect("compliance:index")


def _bundle_sid(params) -> str:
    for name in ("BundleSid", "bundle_sid", "CustomerProfileSid", "TrustProductSid", "Sid"):
        value = params.get(name, "")
        if value.startswith("BU"):
            return value
    return ""


def _bundle_owner(request):
    return reviewed_callback_owner(_bundle_sid(request.POST))


@twilio_callback(_bundle_owner)
def trusthub_status_callback(request, owner):
    """TrustHub posts here when a bundle's status changes: once its owner's account signed
    it, poll that bundle.

    The poll (a fetch) is what updates the state machine, so a duplicated or out-of-order
    callback can at most cause one extra fetch; one naming no bundle of ours polls nothing.
    """
    if owner is not None:
        from compliance.tasks import poll_bundle_task

        poll_bundle_task.delay(owner.subject.sid)
    return HttpResponse(status=204)
