"""The status timeline of one 10DLC version, or of one toll-free verification version: each
step's state, reasons, history and what the tenant can do next (read side, beside
`selectors`)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q

from compliance import vocab
from compliance.models import (
    A2PBrand,
    A2PCampaign,
    CustomerProfile,
    Registration,
    ReviewStatus,
    StatusTransition,
    TollFreeVerification,
    TrustProduct,
)
from compliance.selectors import objects_of
from compliance.services import otp_mobile

STEP_ORDER = (
    Registration.Step.CUSTOMER_PROFILE,
    Registration.Step.TRUST_PRODUCT,
    Registration.Step.BRAND,
    Registration.Step.MESSAGING_SERVICE,
    Registration.Step.CAMPAIGN,
)

STEP_HELP = {
    Registration.Step.CUSTOMER_PROFILE: "Your business's identity in Twilio's Trust Hub: legal "
    "name, EIN, address and the person who can speak for the business.",
    Registration.Step.TRUST_PRODUCT: "The A2P messaging profile: what kind of company you are "
    "(private, public, non-profit), linked to your business profile.",
    Registration.Step.BRAND: "The carriers' record of your brand. Its trust score decides how "
    "many messages you may send.",
    Registration.Step.MESSAGING_SERVICE: "The sender pool holding your numbers; replies and "
    "delivery reports flow back to the platform through it.",
    Registration.Step.CAMPAIGN: "The registered use case: what you send and how people agree "
    "to it. Once verified, your numbers may send US SMS.",
}


@dataclass
class OwnerOtp:
    """A sole proprietor's brand waits for the owner's YES to Twilio's verification text."""

    mobile: str
    expires_at: datetime | None
    resend_requested: bool
    instructions: str


def owner_otp(registration: Registration) -> OwnerOtp | None:
    brand = registration.brand
    if brand is None or not registration.is_open or not brand.awaiting_otp:
        return None
    mobile = otp_mobile(registration)
    expires = brand.otp_expires_at
    until = f" by {expires:%b %-d, %Y %H:%M} UTC" if expires else " within 24 hours"
    return OwnerOtp(
        mobile=mobile,
        expires_at=expires,
        resend_requested=brand.otp_resend_requested_at is not None,
        instructions=f"Twilio has texted {mobile or 'your mobile number'} to confirm that this "
        f"brand is yours. Reply YES to that text{until}: until then your brand is not "
        "registered, and without a reply in time it is rejected. No text? Ask for it again.",
    )


@dataclass
class TimelineStep:
    step: str
    label: str
    help: str
    status: str
    status_label: str
    raw_status: str = ""
    sid: str = ""
    reasons: list[dict] = field(default_factory=list)
    next_action: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    transitions: list[StatusTransition] = field(default_factory=list)
    updated_at: Any = None
    otp: OwnerOtp | None = None


def _next_action(step: str, obj: Any, registration: Registration) -> str:
    if registration.status == Registration.Status.SUPERSEDED:
        return "Replaced by a newer version; kept for your records."
    if obj is None:
        if registration.status == Registration.Status.REJECTED:
            return "Not reached: an earlier step was rejected."
        return "Starts when the earlier steps are done. Nothing to do."
    if obj.status == ReviewStatus.REJECTED:
        return "Fix what is listed here in the 10DLC form and submit a new version."
    if obj.status == ReviewStatus.APPROVED:
        return "Done."
    if obj.status == ReviewStatus.DRAFT:
        return "The platform is preparing this for Twilio. Nothing to do."
    if isinstance(obj, A2PBrand) and obj.awaiting_otp:
        return "The carriers approved your brand: reply YES to Twilio's text to finish."
    waits = {
        Registration.Step.CUSTOMER_PROFILE: "Twilio is reviewing your business profile "
        "(usually 1-3 business days). Nothing to do.",
        Registration.Step.TRUST_PRODUCT: "Twilio is reviewing your messaging profile. "
        "Nothing to do.",
        Registration.Step.BRAND: "The carriers are checking your brand (minutes to a few days). "
        "Nothing to do.",
        Registration.Step.CAMPAIGN: "The carriers are reviewing your campaign (can take 10-15 "
        "business days). Nothing to do; we'll email you.",
    }
    return waits.get(step, "Nothing to do.")


def _status_label(status: str) -> str:
    return {
        "draft": "Preparing",
        "submitted": "Submitted",
        "in_review": "In review",
        "approved": "Approved",
        "rejected": "Rejected",
        "pending": "Not started",
    }.get(status, status.replace("_", " ").capitalize())


def _object_details(step: str, obj: Any) -> dict[str, Any]:
    if isinstance(obj, A2PBrand):
        return {
            "brand_type": vocab.BrandType(obj.brand_type).label
            if obj.brand_type in vocab.BrandType.values
            else obj.brand_type,
            "trust_score": obj.brand_score,
            "identity_status": obj.identity_status,
            "vetting_status": obj.vetting_status,
            "throughput": obj.throughput_tier,
            "tcr_id": obj.tcr_id,
        }
    if isinstance(obj, A2PCampaign):
        return {
            "use_case": obj.use_case,
            "messaging_service_sid": obj.messaging_service_sid,
            "campaign_id": obj.campaign_id,
        }
    if isinstance(obj, CustomerProfile | TrustProduct):
        return {"evaluation": obj.evaluation_status}
    return {}


def timeline(registration: Registration) -> list[TimelineStep]:
    """Each step of a version with its status, Twilio's raw status, reasons and next action."""
    objects = objects_of(registration)
    ids = [str(obj.pk) for obj in objects.values() if obj is not None]
    transitions = list(
        StatusTransition.objects.for_tenant(registration.tenant_id)
        .filter(Q(registration=registration) | Q(object_id__in=ids))
        .order_by("at", "id")
    )
    steps: list[TimelineStep] = []
    for step in STEP_ORDER:
        label = Registration.Step(step).label
        if step == Registration.Step.MESSAGING_SERVICE:
            sid = registration.messaging_service_sid
            status = "approved" if sid else "pending"
            steps.append(
                TimelineStep(
                    step=step,
                    label=label,
                    help=STEP_HELP[step],
                    status=status,
                    status_label="Ready" if sid else "Not started",
                    sid=sid,
                    next_action=(
                        "Your numbers move to it once the new campaign is verified."
                        if sid and registration.needs_cutover and not registration.is_active
                        else ("Done." if sid else "Set up after the brand is registered.")
                    ),
                )
            )
            continue
        obj = objects.get(step)
        status = obj.status if obj is not None else "pending"
        steps.append(
            TimelineStep(
                step=step,
                label=label,
                help=STEP_HELP[step],
                status=status,
                status_label=_status_label(status),
                raw_status=obj.raw_status if obj is not None else "",
                sid=obj.sid if obj is not None else "",
                reasons=list(obj.errors or []) if obj is not None else [],
                next_action=_next_action(step, obj, registration),
                details=_object_details(step, obj) if obj is not None else {},
                transitions=[
                    t for t in transitions if obj is not None and t.object_id == str(obj.pk)
                ],
                updated_at=obj.updated_at if obj is not None else None,
                otp=owner_otp(registration) if step == Registration.Step.BRAND else None,
            )
        )
    return steps


TOLLFREE_STEPS = (
    (
        "business_profile",
        "Business profile",
        "Your business's identity, taken from your business profile: legal name, website, "
        "EIN, address and contact.",
    ),
    (
        "submission",
        "Submitted to Twilio",
        "The use case, the opt-in proof and a sample message, checked before they were sent.",
    ),
    (
        "review",
        "Twilio review",
        "Twilio checks the business, the use case and the opt-in proof. Once approved, the "
        "number may send SMS to US and Canadian numbers.",
    ),
)


def _tollfree_next_action(verification: TollFreeVerification) -> str:
    status = verification.status
    if status == ReviewStatus.APPROVED:
        return "Done: this number may send US and Canadian SMS."
    if status == ReviewStatus.REJECTED:
        if verification.can_edit:
            until = verification.edit_expiration
            when = f" by {until:%b %-d, %H:%M} UTC" if until else ""
            return (
                f"Fix what is listed here and resubmit{when}: an edit within Twilio's 7-day "
                "window is reviewed first."
            )
        return (
            "Fix what is listed here and resubmit: the edit window has closed, so it is "
            "reviewed as a new verification in the standard queue."
        )
    if status == ReviewStatus.DRAFT:
        return "The platform is sending this to Twilio. Nothing to do."
    return "Twilio is reviewing the number (usually a few business days). Nothing to do."


def tollfree_timeline(verification: TollFreeVerification) -> list[TimelineStep]:
    """The steps of one toll-free verification version, like a 10DLC version's timeline."""
    transitions = list(
        StatusTransition.objects.for_tenant(verification.tenant_id)
        .filter(object_id=str(verification.pk))
        .order_by("at", "id")
    )
    sent = bool(verification.sid) and verification.status != ReviewStatus.DRAFT
    review_status = verification.status if sent else "pending"
    states = {
        "business_profile": ("approved", "From your profile", ""),
        "submission": (
            "approved" if sent else "draft",
            "Sent" if sent else "Preparing",
            verification.sid,
        ),
        "review": (review_status, _status_label(review_status), verification.sid),
    }
    steps = []
    for key, label, help_text in TOLLFREE_STEPS:
        status, status_label, sid = states[key]
        review = key == "review"
        steps.append(
            TimelineStep(
                step=key,
                label=label,
                help=help_text,
                status=status,
                status_label=status_label,
                raw_status=verification.raw_status if review else "",
                sid=sid,
                reasons=list(verification.errors or []) if review else [],
                next_action=_tollfree_next_action(verification) if review else "Done.",
                details={"edit_expiration": verification.edit_expiration} if review else {},
                transitions=transitions if review else [],
                updated_at=verification.updated_at,
            )
        )
    return steps
