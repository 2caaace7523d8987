"""Read side of 10DLC registration: the pre-filled form, versions, the timeline, next actions."""

from dataclasses import dataclass
from typing import Any

from compliance import vocab
from compliance.models import (
    A2PBrand,
    A2PCampaign,
    CustomerProfile,
    Registration,
    ReviewStatus,
    TrustProduct,
)
from compliance.validation import BUSINESS_FIELDS, CAMPAIGN_FIELDS, FORM_FIELDS
from provisioning.accounts import CallbackOwner, tenant_callback_owner
from tenants.models import BusinessProfile, Tenant

# Business-profile field -> 10DLC form field.
PROFILE_TO_FORM = {
    "legal_name": "legal_name",
    "dba_name": "dba_name",
    "business_type": "business_type",
    "industry": "industry",
    "registration_number": "ein",
    "website": "website",
    "address_street": "address_street",
    "address_street2": "address_street2",
    "address_city": "address_city",
    "address_region": "address_region",
    "address_postal_code": "address_postal_code",
    "address_country": "address_country",
    "owner_first_name": "rep_first_name",
    "owner_last_name": "rep_last_name",
    "owner_email": "rep_email",
    "owner_phone": "rep_phone",
    "contact_email": "contact_email",
    "contact_phone": "contact_phone",
}
FORM_TO_PROFILE = {form: profile for profile, form in PROFILE_TO_FORM.items()}

FIELD_LABELS = {
    "legal_name": "Legal business name",
    "dba_name": "Brand name (DBA)",
    "business_type": "Business type",
    "company_type": "Company type",
    "stock_exchange": "Stock exchange",
    "stock_ticker": "Stock ticker",
    "brand_contact_email": "Brand contact email",
    "industry": "Industry",
    "ein": "EIN (federal tax ID)",
    "website": "Website",
    "regions_of_operation": "Regions of operation",
    "address_street": "Street address",
    "address_street2": "Address line 2",
    "address_city": "City",
    "address_region": "State",
    "address_postal_code": "ZIP code",
    "address_country": "Country",
    "rep_first_name": "Representative's first name",
    "rep_last_name": "Representative's last name",
    "rep_email": "Representative's email",
    "rep_phone": "Representative's phone",
    "rep_business_title": "Representative's job title",
    "rep_job_position": "Representative's position",
    "contact_email": "Support email",
    "contact_phone": "Support phone",
    "brand_type": "Brand type",
    "use_case": "Use case",
    "description": "Campaign description",
    "message_flow": "How people opt in",
    "sample_messages": "Sample messages",
    "opt_in_keywords": "Opt-in keywords",
    "opt_in_message": "Opt-in confirmation",
    "opt_out_keywords": "Opt-out keywords",
    "opt_out_message": "Opt-out confirmation",
    "help_keywords": "Help keywords",
    "help_message": "Help reply",
    "has_embedded_links": "Messages contain links",
    "has_embedded_phone": "Messages contain phone numbers",
    "age_gated": "Age-gated content",
    "direct_lending": "Direct lending",
    "privacy_policy_url": "Privacy policy URL",
    "terms_url": "Terms and conditions URL",
}


def _words(value: str) -> str:
    return value.replace("_", " ")


def default_brand_type(profile: BusinessProfile | None) -> str:
    if profile is None:
        return vocab.BrandType.STANDARD
    if profile.business_type == "sole_proprietorship" and not profile.registration_number:
        return vocab.BrandType.SOLE_PROPRIETOR
    # Fewer than ~6,000 segments a day registers cheaper as low-volume standard.
    if profile.monthly_volume is not None and profile.monthly_volume <= 180_000:
        return vocab.BrandType.LOW_VOLUME_STANDARD
    return vocab.BrandType.STANDARD


def _campaign_suggestions(profile: BusinessProfile | None, brand_type: str) -> dict[str, Any]:
    """A starting point for the campaign part, written from the business profile."""
    name = (profile.dba_name or profile.legal_name) if profile else ""
    brand = name or "Your brand"
    contact = ""
    if profile is not None:
        contact = " or ".join(v for v in (profile.contact_phone, profile.contact_email) if v)
    contact = contact or "visit our website"
    use_case = "SOLE_PROPRIETOR" if brand_type == vocab.BrandType.SOLE_PROPRIETOR else "MIXED"
    purpose = (profile.use_case if profile else "") or (
        f"{brand} sends order updates, appointment reminders and occasional offers to customers "
        "who asked to receive them."
    )
    consent = (profile.opt_in_language if profile else "") or ""
    flow = (
        f"Customers opt in on {brand}'s website checkout or sign-up form by ticking an unchecked "
        f"box that reads 'I agree to receive order updates and promotional text messages from "
        f"{brand}. Msg & data rates may apply. Reply STOP to opt out.' Customers can also text "
        "JOIN to our number. " + consent
    ).strip()
    return {
        "use_case": use_case,
        "description": purpose,
        "message_flow": flow,
        "sample_messages": [
            f"{brand}: Your order #1042 is ready for pickup. Reply STOP to opt out.",
            f"{brand}: This week only, 20% off your next visit. Show this text at checkout. "
            "Reply STOP to opt out.",
        ],
        "opt_in_keywords": list(vocab.DEFAULT_OPT_IN_KEYWORDS),
        "opt_in_message": f"{brand}: You're subscribed to order updates and offers, up to 4 "
        "msgs/week. Msg & data rates may apply. Reply HELP for help, STOP to opt out.",
        "opt_out_keywords": list(vocab.DEFAULT_OPT_OUT_KEYWORDS),
        "opt_out_message": f"{brand}: You are unsubscribed and will receive no more messages. "
        "Reply START to resubscribe.",
        "help_keywords": list(vocab.DEFAULT_HELP_KEYWORDS),
        "help_message": f"{brand}: For help, contact {contact}. Msg & data rates may apply. "
        "Reply STOP to opt out.",
        "has_embedded_links": False,
        "has_embedded_phone": False,
        "age_gated": False,
        "direct_lending": False,
        "privacy_policy_url": "",
        "terms_url": "",
    }


def _company_type(profile: BusinessProfile | None) -> str:
    if profile is not None and profile.business_type in ("non_profit", "government"):
        return profile.business_type
    return vocab.CompanyType.PRIVATE


def latest_registration(tenant: Tenant | int) -> Registration | None:
    return Registration.objects.for_tenant(tenant).order_by("-version").first()


def active_registration(tenant: Tenant | int) -> Registration | None:
    return Registration.objects.for_tenant(tenant).filter(is_active=True).first()


def open_registration(tenant: Tenant | int) -> Registration | None:
    return (
        Registration.objects.for_tenant(tenant)
        .filter(status__in=[Registration.Status.DRAFT, *Registration.OPEN_STATUSES])
        .first()
    )


def form_initial(tenant: Tenant) -> dict[str, Any]:
    """The 10DLC form as the wizard first shows it.

    Business facts always come from the current business profile (the one place they are
    kept); the rest comes from the newest version, or suggestions for a first registration.
    """
    profile = BusinessProfile.objects.for_tenant(tenant).first()
    latest = latest_registration(tenant)
    previous = dict(latest.snapshot) if latest else {}
    data: dict[str, Any] = {name: previous.get(name, "") for name in FORM_FIELDS}
    brand_type = previous.get("brand_type") or default_brand_type(profile)
    if not latest:
        data.update(_campaign_suggestions(profile, brand_type))
    data["brand_type"] = brand_type
    data["company_type"] = previous.get("company_type") or _company_type(profile)
    data["regions_of_operation"] = previous.get("regions_of_operation") or "USA_AND_CANADA"
    if profile is not None:
        for profile_field, form_field in PROFILE_TO_FORM.items():
            data[form_field] = getattr(profile, profile_field) or ""
        industry = (profile.industry or "").strip().upper().replace(" ", "_")
        data["industry"] = (
            industry if industry in vocab.INDUSTRIES else previous.get("industry", "")
        )
    return data


def shown_value(value: Any) -> str:
    """A form value as a page shows it: lists as their items, booleans as Yes or No."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " · ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    current: Any
    approved: Any

    @property
    def changed(self) -> bool:
        return self.current != self.approved

    @property
    def current_text(self) -> str:
        return shown_value(self.current)

    @property
    def approved_text(self) -> str:
        return shown_value(self.approved)


def current_vs_approved(tenant: Tenant) -> list[FieldChange]:
    """Each form field now and in the approved version (empty when nothing is approved)."""
    active = active_registration(tenant)
    if active is None:
        return []
    current = form_initial(tenant)
    return [
        FieldChange(
            name=name,
            label=FIELD_LABELS.get(name, _words(name)),
            current=current.get(name),
            approved=active.snapshot.get(name),
        )
        for name in FORM_FIELDS
        if name in BUSINESS_FIELDS or name in CAMPAIGN_FIELDS or name == "brand_type"
    ]


@dataclass(frozen=True)
class ApprovedChanges:
    """What differs from the approved version, and what the tenant can do about it."""

    changes: list[FieldChange]
    in_review: Registration | None

    @property
    def advice(self) -> str:
        if self.in_review is not None:
            return (
                f"Version {self.in_review.version} carries these changes and is being "
                "reviewed; your approved registration stays active until it is approved."
            )
        return (
            "Your approved registration stays active. Submit these changes as a new version "
            "to register them."
        )


def changes_since_approved(tenant: Tenant) -> ApprovedChanges:
    """The fields that changed since approval; a version in review already carries them."""
    current = open_registration(tenant)
    return ApprovedChanges(
        changes=[c for c in current_vs_approved(tenant) if c.changed],
        in_review=current if current is not None and current.is_open else None,
    )


def objects_of(registration: Registration) -> dict[str, Any]:
    return {
        Registration.Step.CUSTOMER_PROFILE: registration.customer_profile,
        Registration.Step.TRUST_PRODUCT: registration.trust_product,
        Registration.Step.BRAND: registration.brand,
        Registration.Step.CAMPAIGN: registration.campaign,
    }


@dataclass(frozen=True)
class ComplianceState:
    """Where a tenant stands: the version it sends under and the one in progress."""

    active: Registration | None
    current: Registration | None
    latest: Registration | None

    @property
    def can_send(self) -> bool:
        return self.active is not None

    @property
    def next_version(self) -> int:
        """The version a submission from the form becomes: the open draft's, or a new one."""
        if self.current is not None and self.current.status == Registration.Status.DRAFT:
            return self.current.version
        return (self.latest.version if self.latest is not None else 0) + 1

    @property
    def headline(self) -> str:
        if self.current is not None and self.current.status == Registration.Status.DRAFT:
            return f"Version {self.current.version} is a draft: finish and submit it."
        if self.current is not None:
            step = Registration.Step(self.current.step).label.lower()
            prefix = "Your approved registration stays active while " if self.active else ""
            return f"{prefix}version {self.current.version} is in progress: {step}.".capitalize()
        if self.active is not None:
            return f"Registered: version {self.active.version} is approved and active."
        if self.latest is not None and self.latest.status == Registration.Status.REJECTED:
            return f"Version {self.latest.version} was rejected: fix it and submit again."
        return "Not registered yet: fill in the 10DLC form to send US SMS from local numbers."


def compliance_state(tenant: Tenant | int) -> ComplianceState:
    return ComplianceState(
        active=active_registration(tenant),
        current=Registration.objects.for_tenant(tenant)
        .filter(status__in=[Registration.Status.DRAFT, *Registration.OPEN_STATUSES])
        .first(),
        latest=latest_registration(tenant),
    )


def verified_campaign_for_service(service_sid: str) -> A2PCampaign | None:
    if not service_sid:
        return None
    return (
        A2PCampaign.objects.filter(messaging_service_sid=service_sid, status=ReviewStatus.APPROVED)
        .select_related("brand")
        .first()
    )


# Which reviewed objects a Twilio SID can name, by its prefix.
_REVIEWED_BY_PREFIX = {
    "BU": (CustomerProfile, TrustProduct),
    "BN": (A2PBrand,),
    "QE": (A2PCampaign,),
}


def reviewed_callback_owner(sid: str) -> CallbackOwner | None:
    """Who must have signed a callback naming a bundle, brand or campaign: its tenant's
    accounts. The owner's subject is the object; None when no object has this SID."""
    for model in _REVIEWED_BY_PREFIX.get(sid[:2], ()) if len(sid) == 34 else ():
        obj = model.objects.filter(sid=sid).first()
        if obj is not None:
            return tenant_callback_owner(obj.tenant_id, obj)
    return None


def review_queue():
    """Every tenant's open and recently decided registrations, oldest waiting first (staff)."""
    return Registration.objects.select_related(
        "tenant", "customer_profile", "trust_product", "brand", "campaign"
    ).order_by("status", "updated_at")


def onboarding_status(tenant: Tenant) -> tuple[str, str]:
    """The 10DLC step of the onboarding checklist: (done|in_progress|failed|todo, detail)."""
    state = compliance_state(tenant)
    if state.active is not None and state.current is None:
        return "done", f"Registered: version {state.active.version} is approved."
    if state.current is not None and state.current.status != Registration.Status.DRAFT:
        step = Registration.Step(state.current.step).label.lower()
        return "in_progress", f"Version {state.current.version} is in progress: {step}."
    if state.latest is not None and state.latest.status == Registration.Status.REJECTED:
        return "failed", state.latest.rejection_reason or "The registration was rejected."
    if state.current is not None:
        return "in_progress", "A draft is saved: finish and submit it."
    return "todo", "Register your brand and campaign so US carriers accept your messages."
