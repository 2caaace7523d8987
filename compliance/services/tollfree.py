"""Toll-free verification: submitting a tenant's toll-free number to Twilio's review, edits of
a rejection within Twilio's 7-day window, and polling the review.

A toll-free number may send US/CA traffic only once Twilio approved its verification (the
carriers block it with 30032 otherwise; `compliance.gate` refuses it first). The business
facts are the business profile's (the one place they are kept); the use case, opt-in proof
and sample come from the tenant's form and pass `validation.tollfree` before any call.
Each submission or edit is a version (a row); an edit keeps Twilio's SID, a submission after
the window closed is a new verification.
"""

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from compliance import enqueue
from compliance.models import CustomerProfile, ReviewStatus, TollFreeVerification
from compliance.services.common import (
    POLL_LEASE,
    ChainWaiting,
    ComplianceConflict,
    api_for,
    poll_delay,
    save_fields,
)
from compliance.services.transitions import transition
from compliance.validation.tollfree import BUSINESS_FIELDS, USE_CASE_FIELDS, tollfree_preflight
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from provisioning.models import PhoneNumber
from tenants.models import BusinessProfile, Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

TOLLFREE_STATUSES = {
    "PENDING_REVIEW": ReviewStatus.SUBMITTED,
    "IN_REVIEW": ReviewStatus.IN_REVIEW,
    "TWILIO_APPROVED": ReviewStatus.APPROVED,
    "TWILIO_REJECTED": ReviewStatus.REJECTED,
}
EDIT_TIME_EXPIRED = 30824
OPEN = (ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW)
PROFILE_BUSINESS_TYPES = {
    BusinessProfile.BusinessType.SOLE_PROPRIETORSHIP: "SOLE_PROPRIETOR",
    BusinessProfile.BusinessType.NON_PROFIT: "NON_PROFIT",
    BusinessProfile.BusinessType.GOVERNMENT: "GOVERNMENT",
}
# Our field name -> the SDK's keyword (the rest are spelt the same).
TWILIO_NAMES = {
    "registration_number": "business_registration_number",
    "registration_authority": "business_registration_authority",
    "registration_country": "business_registration_country",
    "address_street": "business_street_address",
    "address_street2": "business_street_address2",
    "address_city": "business_city",
    "address_region": "business_state_province_region",
    "address_postal_code": "business_postal_code",
    "address_country": "business_country",
    "contact_first_name": "business_contact_first_name",
    "contact_last_name": "business_contact_last_name",
    "contact_email": "business_contact_email",
    "contact_phone": "business_contact_phone",
    "terms_url": "terms_and_conditions_url",
}


def business_facts(tenant: Tenant | int) -> dict[str, Any]:
    """The business half of a verification, from the business profile."""
    profile = BusinessProfile.objects.for_tenant(tenant).first()
    if profile is None:
        return {name: "" for name in BUSINESS_FIELDS}
    sole = PROFILE_BUSINESS_TYPES.get(profile.business_type) == "SOLE_PROPRIETOR"
    return {
        "business_name": profile.legal_name,
        "doing_business_as": profile.dba_name,
        "business_website": profile.website,
        "business_type": PROFILE_BUSINESS_TYPES.get(profile.business_type, "PRIVATE_PROFIT")
        if profile.business_type
        else "",
        "registration_number": "" if sole else profile.registration_number,
        "registration_authority": "" if sole else "EIN",
        "registration_country": "" if sole else profile.address_country,
        "address_street": profile.address_street,
        "address_street2": profile.address_street2,
        "address_city": profile.address_city,
        "address_region": profile.address_region,
        "address_postal_code": profile.address_postal_code,
        "address_country": profile.address_country,
        "contact_first_name": profile.owner_first_name,
        "contact_last_name": profile.owner_last_name,
        "contact_email": profile.contact_email or profile.owner_email,
        "contact_phone": profile.contact_phone or profile.owner_phone,
    }


def suggested_use_case(tenant: Tenant, **overrides: Any) -> dict[str, Any]:
    """A use case, opt-in proof and sample in the tenant's name that pass the pre-flight
    checks: the form's first suggestion (the business facts come from its profile)."""
    facts = business_facts(tenant)
    brand = facts["doing_business_as"] or facts["business_name"] or tenant.name
    site = (facts["business_website"] or "https://example.com").rstrip("/")
    return {
        "notification_email": facts["contact_email"] or "compliance@example.com",
        "use_case_categories": ["ACCOUNT_NOTIFICATIONS", "CUSTOMER_CARE"],
        "use_case_summary": f"{brand} texts order updates and answers to customers who opted "
        "in at checkout.",
        "production_message_sample": f"{brand}: your order #1042 is ready for pickup. Reply "
        "STOP to opt out.",
        "opt_in_type": "WEB_FORM",
        "opt_in_image_urls": [f"{site}/sms-opt-in.png"],
        "message_volume": "1,000",
        **overrides,
    }


def tollfree_form_initial(tenant: Tenant, number: PhoneNumber) -> dict[str, Any]:
    """The form as first shown: the number's last submission, or suggestions."""
    latest = latest_verification(number)
    if latest is None:
        return suggested_use_case(tenant)
    return {name: latest.snapshot.get(name) for name in USE_CASE_FIELDS}


def toll_free_numbers(tenant: Tenant | int):
    return PhoneNumber.objects.for_tenant(tenant).filter(
        number_type=PhoneNumber.NumberType.TOLL_FREE, status=PhoneNumber.Status.ACTIVE
    )


def latest_verification(number: PhoneNumber) -> TollFreeVerification | None:
    return TollFreeVerification.objects.filter(phone_number=number).order_by("-version").first()


def is_verified(number: PhoneNumber) -> bool:
    return TollFreeVerification.objects.filter(
        phone_number=number, status=ReviewStatus.APPROVED
    ).exists()


def _cleaned(tenant: Tenant, data: dict[str, Any]) -> dict[str, Any]:
    """The business profile's facts plus the form's use case, checked; 400 on any problem."""
    submitted = {name: data.get(name) for name in USE_CASE_FIELDS if name in data}
    cleaned, errors = tollfree_preflight({**business_facts(tenant), **submitted})
    if errors:
        raise ValidationError(errors)
    return cleaned


def tollfree_submit(
    *, tenant: Tenant, actor: Actor, phone_number: PhoneNumber, data: dict[str, Any]
) -> TollFreeVerification:
    """Submit a toll-free number for verification (a rejected one is resubmitted)."""
    if phone_number.tenant_id != tenant.pk or phone_number.number_type != (
        PhoneNumber.NumberType.TOLL_FREE
    ):
        raise ValidationError({"phone_number": "Choose one of your toll-free numbers."})
    latest = latest_verification(phone_number)
    if latest is not None and latest.status == ReviewStatus.REJECTED:
        return tollfree_resubmit(verification=latest, actor=actor, data=data)
    if latest is not None:
        raise ComplianceConflict(
            f"{phone_number.phone_number} already has a verification "
            f"({latest.get_status_display().lower()})."
        )
    return _new_version(tenant, actor, phone_number, _cleaned(tenant, data), previous=None)


def tollfree_resubmit(
    *, verification: TollFreeVerification, actor: Actor, data: dict[str, Any]
) -> TollFreeVerification:
    """Resubmit a rejected verification: an edit while Twilio's window is open (same SID,
    priority review), else a new verification in the standard queue."""
    if verification.status != ReviewStatus.REJECTED:
        raise ComplianceConflict("Only a rejected verification can be resubmitted.")
    newer = TollFreeVerification.objects.filter(
        phone_number_id=verification.phone_number_id, version__gt=verification.version
    )
    if newer.exists():
        raise ComplianceConflict("A newer version of this verification exists; resubmit that one.")
    cleaned = _cleaned(verification.tenant, data)
    cleaned["edit_reason"] = str(data.get("edit_reason") or "").strip()[:500] or (
        "Fixed what the review listed"
    )
    return _new_version(
        verification.tenant, actor, verification.phone_number, cleaned, previous=verification
    )


def _new_version(
    tenant: Tenant,
    actor: Actor,
    number: PhoneNumber,
    snapshot: dict[str, Any],
    *,
    previous: TollFreeVerification | None,
) -> TollFreeVerification:
    edit = previous is not None and previous.can_edit
    with transaction.atomic():
        verification = TollFreeVerification.objects.create(
            tenant=tenant,
            phone_number=number,
            version=(previous.version + 1) if previous else 1,
            snapshot=snapshot,
            sid=previous.sid if edit else "",
            # Due at once: the beat sends it if the queued task is lost.
            next_poll_at=timezone.now(),
            created_by=actor.user if actor.user and actor.user.is_authenticated else None,
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="tollfree.verification.edited" if edit else "tollfree.verification.submitted",
            target=verification,
            changes={"phone_number": number.phone_number, "version": verification.version},
        )
        enqueue.send_tollfree(verification.pk)
    return verification


def _twilio_fields(verification: TollFreeVerification) -> dict[str, Any]:
    snapshot = verification.snapshot
    fields = {
        TWILIO_NAMES.get(name, name): value
        for name, value in snapshot.items()
        if name in BUSINESS_FIELDS + USE_CASE_FIELDS
    }
    profile = (
        CustomerProfile.objects.for_tenant(verification.tenant_id)
        .filter(status=ReviewStatus.APPROVED)
        .exclude(sid="")
        .order_by("-created_at")
        .first()
    )
    if profile is not None:
        fields["customer_profile_sid"] = profile.sid
    return fields


def tollfree_send(verification_id: str) -> TollFreeVerification | None:
    """Send a draft version to Twilio (create, or edit under the same SID); idempotent."""
    now = timezone.now()
    with transaction.atomic():
        verification = (
            TollFreeVerification.objects.select_for_update()
            .select_related("tenant", "phone_number")
            .filter(pk=verification_id)
            .first()
        )
        if verification is None or verification.status != ReviewStatus.DRAFT:
            return verification
        if verification.next_poll_at is not None and verification.next_poll_at > now:
            return verification
        save_fields(verification, next_poll_at=now + POLL_LEASE)
    try:
        found = _submit(api_for(verification.tenant), verification)
    except (ChainWaiting, NoTwilioAccount) as err:
        _retry_later(verification, None, str(err), now)
        return verification
    except gateway.GatewayError as err:
        if isinstance(err, gateway.RetryableGatewayError | gateway.AuthenticationError):
            _retry_later(verification, err.code, err.message, now)
        else:
            _refused(verification, err)
        return verification
    with transaction.atomic():
        verification = TollFreeVerification.objects.select_for_update().get(pk=verification.pk)
        save_fields(verification, sid=found.sid)
        _apply(verification, found, now)
    return verification


def _submit(api, verification: TollFreeVerification) -> gateway.TollfreeVerification:
    """Edit under the SID when this version is an edit, else create. An edit Twilio refuses
    because its 7-day window closed (30824) becomes a new verification, as Twilio asks."""
    fields = _twilio_fields(verification)
    if verification.sid:
        try:
            return api(
                gateway.update_tollfree_verification,
                verification.sid,
                fields=fields,
                edit_reason=verification.snapshot.get("edit_reason", ""),
            )
        except gateway.RejectedRequest as err:
            if err.code != EDIT_TIME_EXPIRED:
                raise
            logger.info("edit window of %s closed; submitting anew", verification.sid)
    return api(
        gateway.create_tollfree_verification,
        tollfree_phone_number_sid=verification.phone_number.sid,
        fields=fields,
        external_reference_id=str(verification.pk),
    )


def _retry_later(verification, code: int | None, message: str, now: datetime) -> None:
    attempts = verification.poll_attempts + 1
    save_fields(
        verification,
        last_error_code=code,
        last_error_message=message,
        poll_attempts=attempts,
        next_poll_at=now + poll_delay(attempts),
    )
    logger.info("toll-free verification %s waits: %s", verification.pk, message)


def _refused(verification: TollFreeVerification, err: gateway.GatewayError) -> None:
    """Twilio refused the submission outright (4xx): rejected with Twilio's words."""
    reason = f"Twilio refused the verification: {err.twilio_message or err.message}"
    with transaction.atomic():
        save_fields(
            verification,
            last_error_code=err.code,
            last_error_message=err.message,
            failure_reason=reason,
            errors=[{"code": err.code, "field": "", "message": reason}],
            edit_allowed=False,
        )
        transition(verification, ReviewStatus.REJECTED, registration=None, reason=reason)


def _apply(verification: TollFreeVerification, found: gateway.TollfreeVerification, now) -> bool:
    """Twilio's answer on the row: reasons, the edit window, and the status move."""
    reasons = [
        {"code": r.get("code") or r.get("error_code"), "field": "", "message": r.get("reason", "")}
        for r in found.rejection_reasons
    ]
    if not reasons and found.rejection_reason:
        reasons = [{"code": found.error_code, "field": "", "message": found.rejection_reason}]
    to_status = TOLLFREE_STATUSES.get(found.status, verification.status)
    if to_status == ReviewStatus.REJECTED:
        save_fields(
            verification,
            errors=reasons,
            failure_reason="; ".join(r["message"] for r in reasons),
            edit_allowed=found.edit_allowed,
            edit_expiration=found.edit_expiration,
        )
    moved = transition(
        verification,
        to_status,
        registration=None,
        raw_status=found.status,
        reason=verification.failure_reason if to_status == ReviewStatus.REJECTED else "",
    )
    attempts = 0 if moved else verification.poll_attempts + 1
    save_fields(
        verification,
        raw_status=found.status,
        poll_attempts=attempts,
        last_polled_at=now,
        last_error_code=None,
        last_error_message="",
        next_poll_at=None if verification.is_final else now + poll_delay(attempts),
    )
    return moved


def tollfree_poll(verification_id: str, *, force: bool = False) -> TollFreeVerification | None:
    """Fetch one verification from Twilio and apply its status; a no-op once final."""
    now = timezone.now()
    with transaction.atomic():
        verification = (
            TollFreeVerification.objects.select_for_update().filter(pk=verification_id).first()
        )
        if verification is None or verification.is_final or not verification.sid:
            return verification
        if verification.status == ReviewStatus.DRAFT:
            return verification
        if not force and (verification.next_poll_at is None or verification.next_poll_at > now):
            return verification
        save_fields(verification, next_poll_at=now + POLL_LEASE)
    try:
        found = api_for(verification.tenant)(gateway.fetch_tollfree_verification, verification.sid)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        _retry_later(verification, getattr(err, "code", None), str(err), now)
        return verification
    with transaction.atomic():
        verification = TollFreeVerification.objects.select_for_update().get(pk=verification.pk)
        if not verification.is_final:
            _apply(verification, found, now)
    return verification


def tollfree_due(now: datetime | None = None, limit: int = 500) -> list[tuple[str, str]]:
    """("send" | "poll", id) of every undecided version whose next step is due."""
    now = now or timezone.now()
    rows = (
        TollFreeVerification.objects.filter(status__in=OPEN, next_poll_at__lte=now)
        .order_by("next_poll_at")
        .values_list("pk", "status")[:limit]
    )
    return [("send" if s == ReviewStatus.DRAFT else "poll", str(pk)) for pk, s in rows]
