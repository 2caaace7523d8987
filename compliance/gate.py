"""The sending gate: US SMS from a 10DLC number needs a verified campaign on its service, and
US/CA SMS from a toll-free number an approved toll-free verification.

Carriers block unregistered 10DLC traffic (Twilio error 30034, after the message was
accepted and charged); the platform refuses such a send before calling Twilio, naming the
registration step that is missing. Toll-free traffic is blocked the same way (30032) until
Twilio approves the number's verification, pending or rejected alike. Demo tenants get no
exemption: their accounts live in the sandbox, whose own rules (it approves registrations
by itself) let them through. `messaging.gate` calls `compliance_gate(tenant, sender)` on every send.
"""

from typing import Any

from django.core.exceptions import ValidationError

from compliance.models import Registration, ReviewStatus, TollFreeVerification
from compliance.selectors import compliance_state, objects_of, verified_campaign_for_service
from provisioning.models import PhoneNumber
from tenants.models import Tenant

TOLL_FREE_AREA_CODES = frozenset({"800", "833", "844", "855", "866", "877", "888"})

STEP_WORDS = {
    Registration.Step.CUSTOMER_PROFILE: "business profile",
    Registration.Step.TRUST_PRODUCT: "A2P messaging profile",
    Registration.Step.BRAND: "brand registration",
    Registration.Step.MESSAGING_SERVICE: "messaging service",
    Registration.Step.CAMPAIGN: "campaign registration",
    Registration.Step.DONE: "campaign registration",
}
STATUS_WORDS = {
    ReviewStatus.DRAFT: "being prepared",
    ReviewStatus.SUBMITTED: "pending",
    ReviewStatus.IN_REVIEW: "in review",
    ReviewStatus.APPROVED: "approved",
    ReviewStatus.REJECTED: "rejected",
}


def _is_us(number: str) -> bool:
    return number.removeprefix("sms:").startswith("+1")


def _is_10dlc_number(e164: str, row: PhoneNumber | None) -> bool:
    if row is not None:
        return row.number_type == PhoneNumber.NumberType.LOCAL and row.iso_country == "US"
    return e164.startswith("+1") and e164[2:5] not in TOLL_FREE_AREA_CODES


def _is_toll_free(row: PhoneNumber | None) -> bool:
    return row is not None and row.number_type == PhoneNumber.NumberType.TOLL_FREE


def toll_free_refusal(row: PhoneNumber) -> str | None:
    """Why this toll-free number may not send US/CA SMS yet, or None once it is verified."""
    versions = list(TollFreeVerification.objects.filter(phone_number=row).order_by("-version")[:5])
    if any(v.status == ReviewStatus.APPROVED for v in versions):
        return None
    latest = versions[0] if versions else None
    number = row.phone_number
    if latest is None:
        return (
            f"{number} is a toll-free number that isn't verified (step: toll-free verification "
            "not submitted). Submit it on the toll-free page; US and Canadian SMS from it can "
            "be sent once Twilio approves it."
        )
    if latest.status == ReviewStatus.REJECTED:
        reason = latest.failure_reason or "see the toll-free page"
        return (
            f"The toll-free verification of {number} was rejected (step: toll-free "
            f"verification rejected: {reason}). Fix it on the toll-free page and resubmit."
        )
    status = STATUS_WORDS.get(latest.status, latest.status)
    return (
        f"The toll-free verification of {number} is not approved yet (step: toll-free "
        f"verification {status}). US and Canadian SMS from it can be sent once it is."
    )


def missing_step(tenant: Tenant | int) -> str:
    """What stands between the tenant and a verified campaign, in one sentence."""
    state = compliance_state(tenant)
    current = state.current
    if current is not None and current.status != Registration.Status.DRAFT:
        obj = objects_of(current).get(current.step)
        status = STATUS_WORDS.get(obj.status, obj.status) if obj is not None else "pending"
        return (
            "Your A2P 10DLC campaign is not verified yet "
            f"(step: {STEP_WORDS[current.step]} {status}). US SMS from local numbers can be "
            "sent once it is."
        )
    latest = state.latest
    if latest is not None and latest.status == Registration.Status.REJECTED:
        return (
            "Your A2P 10DLC registration was rejected "
            f"(step: {STEP_WORDS.get(latest.step, latest.step)} rejected: "
            f"{latest.rejection_reason or 'see the 10DLC page'}). Fix it on the 10DLC page and "
            "submit it again."
        )
    if state.active is not None:
        return (
            "This sender is not covered by your verified A2P 10DLC campaign (step: messaging "
            "service): only numbers in your registered messaging service may send US SMS."
        )
    if current is not None:
        return (
            "Your A2P 10DLC registration is a draft (step: registration not submitted). Submit "
            "it on the 10DLC page to send US SMS from local numbers."
        )
    return (
        "Your business isn't registered for A2P 10DLC yet (step: registration not submitted). "
        "Complete the 10DLC form to send US SMS from local numbers."
    )


def compliance_gate(tenant: Tenant, sender: Any) -> None:
    """Raise ValidationError (field "from") unless this send may go out under 10DLC rules."""
    if getattr(sender, "channel", "sms") != "sms":
        return
    if not _is_us(getattr(sender, "to", "") or ""):
        return
    service_sid = getattr(sender, "messaging_service_sid", "") or ""
    if service_sid:
        pool = PhoneNumber.objects.for_tenant(tenant).filter(
            messaging_service__sid=service_sid, status=PhoneNumber.Status.ACTIVE
        )
        for n in pool:
            refusal = toll_free_refusal(n) if _is_toll_free(n) else None
            if refusal:
                raise ValidationError({"from": refusal})
        if not any(_is_10dlc_number(n.phone_number, n) for n in pool):
            return
        if verified_campaign_for_service(service_sid) is None:
            raise ValidationError({"from": missing_step(tenant)})
        return
    from_number = getattr(sender, "from_number", "") or ""
    row = getattr(sender, "number", None)
    if row is None and from_number:
        row = (
            PhoneNumber.objects.for_tenant(tenant)
            .filter(phone_number=from_number, status=PhoneNumber.Status.ACTIVE)
            .first()
        )
    if _is_toll_free(row):
        refusal = toll_free_refusal(row)
        if refusal:
            raise ValidationError({"from": refusal})
        return
    if not from_number or not _is_10dlc_number(from_number, row):
        return
    # Read the number's service afresh: it may have moved since the caller loaded the row.
    service_sid = (
        PhoneNumber.objects.filter(pk=row.pk)
        .values_list("messaging_service__sid", flat=True)
        .first()
        if row is not None
        else None
    )
    if service_sid and verified_campaign_for_service(service_sid) is not None:
        return
    if not service_sid and compliance_state(tenant).active is not None:
        raise ValidationError(
            {
                "from": f"{from_number} is not in your registered messaging service yet (step: "
                "messaging service). It is added automatically; try again in a few minutes."
            }
        )
    raise ValidationError({"from": missing_step(tenant)})
