"""A sole proprietor's brand OTP: Twilio texts the owner's mobile once the carriers approve
the brand, and the brand counts only after the owner replies YES (within 24 hours).

The platform can't see the text or the reply; it polls the brand's `identity_status`
(`apply_brand`), tells the owner what to do and until when, and asks Twilio to text the OTP
again when the owner wants it (`brand_otp_resend` now, `brand_otp_send` in the task).
"""

import logging
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from compliance import enqueue
from compliance.models import A2PBrand, Registration
from compliance.services.common import (
    ChainWaiting,
    ComplianceConflict,
    api_for,
    poll_delay,
    save_fields,
)
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

# While the owner may be replying, the brand is polled at least this often.
OTP_POLL = timedelta(minutes=5)


def brand_poll_delay(brand: A2PBrand, attempts: int) -> timedelta:
    """The usual backoff, but short while the owner's YES can arrive at any moment."""
    delay = poll_delay(attempts)
    return min(delay, OTP_POLL) if brand.awaiting_otp else delay


def otp_mobile(registration: Registration) -> str:
    """The mobile Twilio texts: the representative's phone in the submitted snapshot."""
    return str((registration.snapshot or {}).get("rep_phone", ""))


def brand_otp_resend(*, registration: Registration, actor: Actor) -> A2PBrand:
    """The owner asks for the OTP text again; the task sends it once the request commits.

    A request already waiting is not doubled (a second click changes nothing).
    """
    with transaction.atomic():
        brand = A2PBrand.objects.select_for_update().filter(pk=registration.brand_id).first()
        if brand is None or not registration.is_open or not brand.awaiting_otp:
            raise ComplianceConflict(
                "This registration's brand is not waiting for the owner's reply to the "
                "verification text."
            )
        if brand.otp_resend_requested_at is None:
            save_fields(brand, otp_resend_requested_at=timezone.now())
            record_audit(
                tenant=brand.tenant,
                actor=actor,
                action="a2p.brand.otp_resend_requested",
                target=brand,
                changes={"mobile": otp_mobile(registration)},
            )
            enqueue.resend_brand_otp(brand.pk)
    return brand


def _claim(brand_id: uuid.UUID | str, now: datetime) -> A2PBrand | None:
    """Take the waiting request (committed), so a repeated task finds none and sends nothing."""
    brand = A2PBrand.objects.select_related("tenant").filter(pk=brand_id).first()
    if brand is None or brand.otp_resend_requested_at is None:
        return None
    claimed = A2PBrand.objects.filter(
        pk=brand.pk, otp_resend_requested_at=brand.otp_resend_requested_at
    ).update(otp_resend_requested_at=None, updated_at=now)
    if not claimed or not brand.awaiting_otp:
        return None
    return brand


def brand_otp_send(brand_id: uuid.UUID | str) -> A2PBrand | None:
    """Ask Twilio to text the OTP again (outside any transaction); the new 24 hours start."""
    now = timezone.now()
    brand = _claim(brand_id, now)
    if brand is None:
        return None
    try:
        api_for(brand.tenant)(gateway.resend_brand_otp, brand.sid)
    except (gateway.GatewayError, ChainWaiting, NoTwilioAccount) as err:
        logger.info("brand %s OTP not resent: %s", brand.sid, err)
        save_fields(
            brand,
            otp_resend_requested_at=None,
            last_error_code=getattr(err, "code", None),
            last_error_message=getattr(err, "message", "") or str(err),
        )
        return brand
    save_fields(
        brand,
        otp_sent_at=now,
        otp_resend_requested_at=None,
        last_error_code=None,
        last_error_message="",
        next_poll_at=now + OTP_POLL,
    )
    return brand
