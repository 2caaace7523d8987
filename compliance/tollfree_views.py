"""Portal pages of toll-free verification: each toll-free number with the timeline of its
latest version (the 10DLC timeline's), and the form that submits or resubmits it.

Pages are thin: reads go through the services' read helpers (scoped with `for_tenant`),
writes through the services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from compliance.models import ReviewStatus, TollFreeVerification
from compliance.services import (
    ComplianceConflict,
    business_facts,
    latest_verification,
    toll_free_numbers,
    tollfree_form_initial,
    tollfree_submit,
)
from compliance.timeline import tollfree_timeline
from compliance.tollfree_forms import WIDE, TollFreeForm
from compliance.validation.tollfree import BUSINESS_FIELDS, TOLLFREE_RULES
from tenants.views import TenantRequiredMixin

BUSINESS_LABELS = {
    "business_name": "Legal business name",
    "doing_business_as": "Brand name (DBA)",
    "business_website": "Website",
    "business_type": "Business type",
    "registration_number": "EIN",
    "address_city": "City",
    "contact_email": "Contact email",
}


class TollFreeIndexView(TenantRequiredMixin, TemplateView):
    """Every toll-free number of the tenant, where its verification stands, and its versions."""

    template_name = "compliance/tollfree.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        numbers = []
        for number in toll_free_numbers(self.tenant).order_by("phone_number"):
            latest = latest_verification(number)
            numbers.append(
                {
                    "number": number,
                    "latest": latest,
                    "steps": tollfree_timeline(latest) if latest else [],
                    "versions": TollFreeVerification.objects.for_tenant(self.tenant)
                    .filter(phone_number=number)
                    .order_by("-version"),
                    "verified": TollFreeVerification.objects.filter(
                        phone_number=number, status=ReviewStatus.APPROVED
                    ).exists(),
                }
            )
        context.update(numbers=numbers)
        return context


def _attach_errors(form: TollFreeForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


class TollFreeFormView(TenantRequiredMixin, TemplateView):
    """The verification form of one toll-free number; submitting sends it to Twilio's review
    (a rejected one is resubmitted: an edit while Twilio's window is open)."""

    template_name = "compliance/tollfree_form.html"
    write_permission = "manage"

    def number(self):
        return get_object_or_404(toll_free_numbers(self.tenant), pk=self.kwargs["number_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.number()
        latest = latest_verification(number)
        open_or_done = latest is not None and latest.status != ReviewStatus.REJECTED
        resubmit = latest is not None and latest.status == ReviewStatus.REJECTED
        context.setdefault(
            "form",
            TollFreeForm(
                initial=TollFreeForm.initial_from(tollfree_form_initial(self.tenant, number)),
                read_only=not self.can_manage or open_or_done,
                resubmit=resubmit,
            ),
        )
        facts = business_facts(self.tenant)
        context.update(
            number=number,
            latest=latest,
            locked=open_or_done,
            resubmit=resubmit,
            steps=tollfree_timeline(latest) if latest else [],
            business=[(BUSINESS_LABELS.get(n, n), facts[n]) for n in BUSINESS_LABELS],
            business_missing=[n for n in BUSINESS_FIELDS if not facts.get(n)],
            rules=TOLLFREE_RULES,
            wide_fields=WIDE,
        )
        return context

    def post(self, request, *args, **kwargs):
        number = self.number()
        latest = latest_verification(number)
        resubmit = latest is not None and latest.status == ReviewStatus.REJECTED
        form = TollFreeForm(request.POST, resubmit=resubmit)
        if form.is_valid():
            try:
                verification = tollfree_submit(
                    tenant=self.tenant,
                    actor=self.actor,
                    phone_number=number,
                    data=form.submission(),
                )
            except ValidationError as err:
                _attach_errors(form, err)
            except ComplianceConflict as err:
                form.add_error(None, str(err))
            else:
                messages.success(
                    request,
                    f"Version {verification.version} of {number.phone_number}'s verification "
                    "was sent to Twilio. We'll email you when it is decided.",
                )
                return redirect("compliance:toll_free")
        return self.render_to_response(self.get_context_data(form=form))
