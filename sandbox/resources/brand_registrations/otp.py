"""A sole proprietor's brand OTP: texted to the owner's mobile once the brand is APPROVED;
the owner's YES within 24 hours verifies the brand's identity, silence fails it (30752).

The text and the sender are not published by Twilio (wave2-facts §6, [U]): the sandbox texts
from the short code `OTP_SENDER`, and the handset replies to that short code.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sandbox.core.sids import new_sid
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.messages.models import Message
from sandbox.resources.trusthub import policies
from sandbox.resources.trusthub.models import Bundle

OTP_SENDER = "22395"
OTP_VALIDITY = dt.timedelta(hours=24)
SOLE_PROPRIETOR = "SOLE_PROPRIETOR"
EXPIRED = {
    "code": 30752,
    "description": "The one-time password was not confirmed: the owner did not reply YES to "
    "the verification text within 24 hours.",
    "fields": ["mobile_phone"],
}


def otp_text(brand: Brand) -> str:
    return (
        f"Twilio: reply YES to confirm the text-messaging brand registration {brand.tcr_id} "
        "made with this mobile number. This request expires in 24 hours."
    )


def _message(brand: Brand, at: dt.datetime, **fields) -> Message:
    return Message.objects.create(
        sid=new_sid("SM"),
        account=brand.account,
        free=True,
        price=Decimal(0),
        num_segments=1,
        date_created=at,
        date_updated=at,
        date_sent=at,
        **fields,
    )


def send_otp(brand: Brand, at: dt.datetime) -> None:
    """Text the OTP to the mobile on the brand's customer profile (the caller saves `brand`)."""
    profile = Bundle.objects.filter(
        account=brand.account, sid=brand.customer_profile_bundle_sid
    ).first()
    brand.otp_mobile = (policies.owner_mobile(profile) if profile else "") or brand.otp_mobile
    brand.identity_status = "UNVERIFIED"
    brand.otp_sent_at, brand.otp_expires_at = at, at + OTP_VALIDITY
    if brand.otp_mobile:
        _message(
            brand,
            at,
            from_address=OTP_SENDER,
            sender=OTP_SENDER,
            to_address=brand.otp_mobile,
            body=otp_text(brand),
            status=Message.Status.DELIVERED,
            direction=Message.Direction.OUTBOUND_API,
        )


def awaits_otp(brand: Brand) -> bool:
    return (
        brand.brand_type == SOLE_PROPRIETOR
        and brand.status == Brand.Status.APPROVED
        and brand.identity_status == "UNVERIFIED"
        and brand.otp_expires_at is not None
    )


def expire(brand: Brand) -> None:
    """Nobody said YES in time: the brand fails with 30752 (the caller saves it)."""
    brand.status = Brand.Status.FAILED
    brand.errors = [EXPIRED]
    brand.failure_reason = EXPIRED["description"]
    brand.date_updated = brand.otp_expires_at


def expire_due(now: dt.datetime) -> int:
    due = Brand.objects.filter(
        brand_type=SOLE_PROPRIETOR,
        status=Brand.Status.APPROVED,
        identity_status="UNVERIFIED",
        otp_expires_at__lte=now,
    )
    count = 0
    for brand in due.select_for_update(skip_locked=True):
        expire(brand)
        brand.save()
        count += 1
    return count


def receive_reply(handset: str, body: str, at: dt.datetime) -> Message:
    """The handset answers the OTP short code: YES verifies the newest brand waiting on it."""
    brand = (
        Brand.objects.select_related("account")
        .filter(otp_mobile=handset, brand_type=SOLE_PROPRIETOR, otp_sent_at__isnull=False)
        .order_by("-otp_sent_at", "-id")
        .first()
    )
    if brand is None:
        raise LookupError(f"{OTP_SENDER} has texted {handset} no verification request")
    reply = _message(
        brand,
        at,
        from_address=handset,
        sender=OTP_SENDER,
        to_address=OTP_SENDER,
        body=body,
        status=Message.Status.RECEIVED,
        direction=Message.Direction.INBOUND,
    )
    if awaits_otp(brand) and brand.otp_expires_at <= at:
        expire(brand)
        brand.save()
    elif awaits_otp(brand) and body.strip().upper() == "YES":
        brand.identity_status = "VERIFIED"
        brand.otp_expires_at = None
        brand.date_updated = at
        brand.save()
    return reply
