"""What Verify delivered to a person, as the handset simulator and the mailbox page show it.

A handset sees its SMS, WhatsApp messages and calls (the call as the text it speaks); an
address sees its emails. Nothing else of the account is shown.
"""

from __future__ import annotations

from sandbox.core import formats
from sandbox.resources.verifications.models import Verification, VerifyDelivery

PHONE_CHANNELS = (
    VerifyDelivery.Channel.SMS,
    VerifyDelivery.Channel.WHATSAPP,
    VerifyDelivery.Channel.CALL,
)


def handset_json(delivery: VerifyDelivery) -> dict:
    """The handset simulator's message shape (see `sandbox.handsets.handset_json`)."""
    whatsapp = delivery.channel == VerifyDelivery.Channel.WHATSAPP
    at = formats.iso8601(delivery.date_created)
    return {
        "sid": delivery.sid,
        "account_sid": delivery.account.sid,
        "from": delivery.from_address,
        "to": f"whatsapp:{delivery.to_address}" if whatsapp else delivery.to_address,
        "body": delivery.body.reveal(),
        "status": "delivered",
        "direction": "outbound-api",
        "channel": str(delivery.channel),
        "num_media": 0,
        "media_urls": [],
        "error_code": None,
        "date_created": at,
        "date_sent": at,
    }


def to_handset(number: str, limit: int | None = None) -> list[dict]:
    """Verify's texts, WhatsApp messages and calls to a phone, oldest first."""
    bare = formats.split_channel(number.strip())[1]
    rows = (
        VerifyDelivery.objects.select_related("account")
        .filter(to_address=bare, channel__in=PHONE_CHANNELS)
        .order_by("-date_created", "-id")
    )
    rows = rows[:limit] if limit else rows
    return [handset_json(d) for d in reversed(list(rows))]


def email_json(delivery: VerifyDelivery) -> dict:
    return {
        "sid": delivery.sid,
        "from": delivery.from_address,
        "to": delivery.to_address,
        "subject": delivery.subject,
        "body": delivery.body.reveal(),
        "date": formats.iso8601(delivery.date_created),
    }


def emails(address: str, limit: int = 100) -> list[dict]:
    """The emails Verify sent to an address, newest first."""
    rows = VerifyDelivery.objects.filter(
        to_address=address.strip().lower(), channel=VerifyDelivery.Channel.EMAIL
    ).order_by("-date_created", "-id")[:limit]
    return [email_json(d) for d in rows]


def latest_code(to: str) -> str | None:
    """The code of the newest verification sent to a phone or an email address (tests)."""
    address = formats.split_channel(to.strip())[1] if "@" not in to else to.strip().lower()
    last = (
        VerifyDelivery.objects.filter(to_address=address).order_by("-date_created", "-id").first()
    )
    if last is None:
        return None
    verification = Verification.objects.filter(sid=last.verification_sid).first()
    return verification.code.reveal() if verification is not None else None
