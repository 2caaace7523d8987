"""Read-side helpers: which subaccount, numbers and sender a tenant has, its onboarding
checklist, and staff's customer overview. Reads only: nothing here imports a service."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.urls import NoReverseMatch, reverse

from isvplatform.labels import register_labels
from provisioning.models import MessagingService, PhoneNumber, StripeCustomer, TwilioSubaccount
from tenants.models import BusinessProfile, Membership, Tenant
from tenants.selectors import profile_completeness


def active_subaccount(tenant: Tenant) -> TwilioSubaccount | None:
    return (
        TwilioSubaccount.objects.for_tenant(tenant)
        .filter(status=TwilioSubaccount.Status.ACTIVE)
        .first()
    )


def open_subaccount(tenant: Tenant) -> TwilioSubaccount | None:
    """The tenant's subaccount in any state but closed (at most one exists)."""
    return (
        TwilioSubaccount.objects.for_tenant(tenant)
        .exclude(status=TwilioSubaccount.Status.CLOSED)
        .first()
    )


def connected_account(tenant: Tenant) -> TwilioSubaccount | None:
    """The tenant's own Twilio account: the open one, else the last one it disconnected."""
    rows = TwilioSubaccount.objects.for_tenant(tenant).filter(
        origin=TwilioSubaccount.Origin.CONNECTED
    )
    return (
        rows.exclude(status=TwilioSubaccount.Status.CLOSED).first()
        or rows.order_by("-closed_at").first()
    )


def may_connect_own_account(tenant: Tenant) -> bool:
    """Whether connecting the tenant's own Twilio account is open: nothing connected yet,
    and no platform subaccount already in use (holding a number)."""
    sub = open_subaccount(tenant)
    if sub is None:
        return True
    return not sub.is_connected and not active_numbers(tenant).filter(subaccount=sub).exists()


def messaging_service_for(tenant: Tenant) -> MessagingService | None:
    return MessagingService.objects.for_tenant(tenant).first()


def active_numbers(tenant: Tenant):
    return PhoneNumber.objects.for_tenant(tenant).filter(status=PhoneNumber.Status.ACTIVE)


def primary_number(tenant: Tenant) -> PhoneNumber | None:
    return active_numbers(tenant).filter(is_primary=True).first()


def tenant_for_number(phone_number: str) -> Tenant | None:
    """The tenant that owns an active number (inbound routing)."""
    number = (
        PhoneNumber.objects.filter(phone_number=phone_number, status=PhoneNumber.Status.ACTIVE)
        .select_related("tenant")
        .first()
    )
    return number.tenant if number else None


def business_names_for_numbers(numbers: list[tuple[str, str]]) -> dict[str, str]:
    """Business names by phone number, for `(phone number, Twilio account SID)` pairs: the
    tenant holding the number, else the tenant owning the account (the handset simulator's
    labels, so a test text goes to the business meant)."""
    phones = [phone for phone, _ in numbers]
    by_sid = dict(
        TwilioSubaccount.objects.filter(sid__in={sid for _, sid in numbers}).values_list(
            "sid", "tenant__name"
        )
    )
    held = dict(
        PhoneNumber.objects.filter(
            phone_number__in=phones, status=PhoneNumber.Status.ACTIVE
        ).values_list("phone_number", "tenant__name")
    )
    return {
        phone: held.get(phone) or by_sid[sid]
        for phone, sid in numbers
        if phone in held or sid in by_sid
    }


# --- onboarding --------------------------------------------------------------------------------


class OnboardingState(models.TextChoices):
    DONE = "done", "Done"
    IN_PROGRESS = "in_progress", "In progress"
    FAILED = "failed", "Failed"
    TO_DO = "todo", "To do"
    UNAVAILABLE = "unavailable", "Not available yet"


register_labels("onboarding_state", OnboardingState)
ONBOARDING_STATES = tuple(OnboardingState.values)


@dataclass(frozen=True)
class OnboardingStep:
    key: str
    label: str
    state: str  # one of ONBOARDING_STATES
    detail: str
    url: str = ""
    action: str = ""


# Where the compliance pages live once that app exists (first name that resolves wins).
COMPLIANCE_URL_NAMES = ("compliance:index", "compliance:wizard")


def _compliance_url() -> str:
    for name in COMPLIANCE_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _compliance_state(tenant: Tenant) -> tuple[str, str]:
    """The 10DLC step's state, from the compliance app's own selector when it offers one."""
    if not apps.is_installed("compliance"):
        return "unavailable", "A2P 10DLC registration opens here once it is available."
    try:
        from compliance import selectors as compliance_selectors
    except ImportError:
        return "todo", "Register your brand and campaign so US carriers accept your messages."
    status = getattr(compliance_selectors, "onboarding_status", None)
    if status is None:
        return "todo", "Register your brand and campaign so US carriers accept your messages."
    return status(tenant)


def onboarding_steps(tenant: Tenant) -> list[OnboardingStep]:
    """The checklist a new business follows: profile, subaccount, number, 10DLC."""
    sub = open_subaccount(tenant)
    return [
        _profile_step(tenant),
        _subaccount_step(sub),
        _number_step(tenant, sub),
        _compliance_step(tenant),
    ]


def _profile_step(tenant: Tenant) -> OnboardingStep:
    profile = BusinessProfile.objects.for_tenant(tenant).first()
    completeness = profile_completeness(profile)
    return OnboardingStep(
        "profile",
        "Business profile",
        "done" if not completeness.missing else "todo",
        "All key facts are filled in."
        if not completeness.missing
        else f"{completeness.percent}% filled in; "
        f"{len(completeness.missing)} key field(s) missing.",
        reverse("portal:profile"),
        "Complete the profile" if completeness.missing else "Review",
    )


def _number_step(tenant: Tenant, sub: TwilioSubaccount | None) -> OnboardingStep:
    number = primary_number(tenant)
    if number is not None:
        return OnboardingStep(
            "number",
            "Phone number",
            "done",
            f"{number.phone_number} is your primary number.",
            reverse("provisioning:numbers"),
            "Manage numbers",
        )
    if sub is not None and sub.status == TwilioSubaccount.Status.ACTIVE:
        waiting = bool(sub.requested_area_code) and not sub.numbers.exists()
        return OnboardingStep(
            "number",
            "Phone number",
            "in_progress" if waiting else "todo",
            f"Buying a number in area code {sub.requested_area_code}…"
            if waiting
            else "Choose and buy the number your customers will see.",
            reverse("provisioning:numbers"),
            "Buy a number",
        )
    return OnboardingStep(
        "number", "Phone number", "todo", "Available once your subaccount is active."
    )


def _compliance_step(tenant: Tenant) -> OnboardingStep:
    state, detail = _compliance_state(tenant)
    url = _compliance_url()
    return OnboardingStep(
        "10dlc",
        "A2P 10DLC registration",
        state,
        detail,
        url,
        ("Register" if state in ("todo", "failed") else "View") if url else "",
    )


def _subaccount_step(sub: TwilioSubaccount | None) -> OnboardingStep:
    Status = TwilioSubaccount.Status
    label = "Twilio subaccount"
    if sub is None:
        return OnboardingStep("subaccount", label, "todo", "Not requested yet.")
    if sub.is_connected and sub.status == Status.ACTIVE:
        return OnboardingStep(
            "subaccount",
            "Twilio account",
            "done",
            f"Connected: your own Twilio account {sub.sid}.",
            reverse("provisioning:twilio_account"),
            "Manage",
        )
    if sub.status == Status.ACTIVE:
        return OnboardingStep("subaccount", label, "done", "Active: your own Twilio account.")
    if sub.status in (Status.PENDING, Status.PROVISIONING):
        detail = "Creating your Twilio subaccount…"
        if sub.last_error_message:
            detail += f" (retrying after: {sub.last_error_message})"
        return OnboardingStep("subaccount", label, "in_progress", detail)
    if sub.status == Status.FAILED:
        code = f"Twilio error {sub.last_error_code}: " if sub.last_error_code else ""
        return OnboardingStep(
            "subaccount",
            label,
            "failed",
            f"{code}{sub.last_error_message or 'Provisioning failed.'}",
            reverse("provisioning:onboarding"),
            "Retry",
        )
    return OnboardingStep(
        "subaccount",
        label,
        "failed",
        f"{sub.get_status_display()}{': ' + sub.status_reason if sub.status_reason else ''}.",
    )


# --- staff views of customers -----------------------------------------------------------------


@dataclass(frozen=True)
class CustomerDetails:
    owner_email: str | None
    subaccount: TwilioSubaccount | None
    stripe_customer_id: str | None


def customer_details(tenant_ids: list[int]) -> dict[int, CustomerDetails]:
    """Owner, current subaccount and Stripe customer of each tenant, in three queries."""
    owners: dict[int, str] = {}
    for membership in (
        Membership.objects.filter(tenant_id__in=tenant_ids, role=Membership.Role.OWNER)
        .select_related("user")
        .order_by("created_at", "id")
    ):
        owners.setdefault(membership.tenant_id, membership.user.email)
    subaccounts: dict[int, TwilioSubaccount] = {}
    for sub in TwilioSubaccount.objects.filter(tenant_id__in=tenant_ids).order_by("-created_at"):
        current = subaccounts.get(sub.tenant_id)
        if current is None or (
            current.status == TwilioSubaccount.Status.CLOSED
            and sub.status != TwilioSubaccount.Status.CLOSED
        ):
            subaccounts[sub.tenant_id] = sub
    stripe = dict(
        StripeCustomer.objects.filter(tenant_id__in=tenant_ids).values_list(
            "tenant_id", "customer_id"
        )
    )
    return {
        tenant_id: CustomerDetails(
            owners.get(tenant_id), subaccounts.get(tenant_id), stripe.get(tenant_id)
        )
        for tenant_id in tenant_ids
    }
