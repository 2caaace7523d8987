"""Demo steps of `make run`: the demo tenant is taken through the whole 10DLC chain to a
verified campaign, and the toll-free demo tenant's number through toll-free verification, so
their messages flow. Synchronous: they advance the sandbox clock themselves.
"""

import logging
from typing import Any

from compliance import pacing
from compliance.models import Registration, ReviewStatus, TollFreeVerification
from compliance.selectors import active_registration, form_initial, open_registration
from compliance.services import (
    is_verified,
    latest_verification,
    poll_object,
    registration_run,
    registration_submit,
    suggested_use_case,
    toll_free_numbers,
    tollfree_poll,
    tollfree_send,
    tollfree_submit,
)
from provisioning.selectors import active_subaccount
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

DEMO_DETAILS = {
    "rep_business_title": "Owner",
    "rep_job_position": "CEO",
    "company_type": "private",
    "use_case": "MIXED",
}


def awaits_owner_otp(registration: Registration) -> bool:
    """The version's sole-proprietor brand waits for the owner's YES to the OTP text."""
    brand = registration.brand
    if brand is None:
        return False
    brand.refresh_from_db()
    return brand.awaiting_otp


def drive_in_sandbox(
    registration: Registration, *, step_seconds: int = 15, max_rounds: int = 80
) -> Registration:
    """Run the chain, advancing the sandbox clock and polling, until the version is decided.

    Only for sandbox mode: this is what days of reviews look like compressed into seconds.
    It stops at a sole proprietor's OTP: only the owner's YES (in the handset simulator)
    goes on from there.
    """
    from sandbox import clock

    for _ in range(max_rounds):
        registration_run(registration.pk)
        registration.refresh_from_db()
        if not registration.is_open or awaits_owner_otp(registration):
            return registration
        clock.advance(step_seconds)
        for obj in (
            registration.customer_profile,
            registration.trust_product,
            registration.brand,
            registration.campaign,
        ):
            if obj is not None:
                obj.refresh_from_db()
                if obj.sid and not obj.is_final:
                    poll_object(obj.step, str(obj.pk), force=True)
    return registration


def demo_submission(tenant: Tenant) -> dict[str, Any]:
    """The demo tenant's form: its business profile plus what the profile doesn't hold."""
    data = form_initial(tenant)
    for name, value in DEMO_DETAILS.items():
        data[name] = data.get(name) or value
    legal_name = data.get("legal_name", "")
    if data.get("business_type") == "llc" and "llc" not in legal_name.lower():
        # Carriers match the legal name with the IRS record, where an LLC's carries "LLC".
        data["legal_name"] = f"{legal_name} LLC"
    return data


def register_demo_tenant(tenant: Tenant) -> None:
    """Idempotent: nothing to do once a version is active; resumes an open one."""
    if active_registration(tenant) is not None:
        return
    if active_subaccount(tenant) is None:
        logger.warning("demo tenant has no active subaccount; 10DLC registration skipped")
        return
    with pacing.unpaced():
        registration = open_registration(tenant)
        if registration is None or registration.status == Registration.Status.DRAFT:
            registration = registration_submit(
                tenant=tenant, data=demo_submission(tenant), actor=Actor.system()
            )
        registration = drive_in_sandbox(registration)
    if registration.status == Registration.Status.APPROVED:
        campaign = registration.campaign
        logger.info(
            "demo tenant's campaign is %s on %s",
            campaign.raw_status if campaign else "-",
            registration.messaging_service_sid,
        )
    else:
        logger.warning(
            "demo registration v%s ended %s: %s",
            registration.version,
            registration.status,
            registration.rejection_reason or registration.last_error_message,
        )


def drive_tollfree_in_sandbox(
    verification: TollFreeVerification, *, step_seconds: int = 15, max_rounds: int = 20
) -> TollFreeVerification:
    """Send the version and poll it, advancing the sandbox clock, until Twilio decides."""
    from sandbox import clock

    for _ in range(max_rounds):
        verification.refresh_from_db()
        if verification.status == ReviewStatus.DRAFT:
            # A no-op while another process holds the send (it goes on by itself).
            tollfree_send(str(verification.pk))
            verification.refresh_from_db()
        if verification.is_final:
            return verification
        clock.advance(step_seconds)
        if verification.status != ReviewStatus.DRAFT:
            tollfree_poll(str(verification.pk), force=True)
    return verification


def verify_demo_toll_free(tenant: Tenant) -> None:
    """Idempotent: each toll-free number of the tenant ends verified (or its rejection shown)."""
    with pacing.unpaced():
        for number in toll_free_numbers(tenant):
            if is_verified(number):
                continue
            latest = latest_verification(number)
            if latest is None or latest.status == ReviewStatus.REJECTED:
                latest = tollfree_submit(
                    tenant=tenant,
                    actor=Actor.system(),
                    phone_number=number,
                    data=suggested_use_case(tenant),
                )
            verification = drive_tollfree_in_sandbox(latest)
            logger.info(
                "toll-free %s verification is %s", number.phone_number, verification.raw_status
            )
