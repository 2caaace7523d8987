"""The handset simulator: play the end customer who texts platform numbers.

`send_from_handset("+15551230001", "+14155550100", "Hi")` makes Twilio receive that SMS
(`channel="whatsapp"` for WhatsApp); the inbound webhook goes out on the next clock advance.
`messages_received("+15551230001")` lists what the platform delivered to that handset.
`platform_numbers()` labels each number with its business: the answer to the
`handset_number_labels` hook (the platform registers one), else the owning account's name.
A reply to Twilio's brand-verification short code answers a sole proprietor's OTP.
Verify codes (SMS, WhatsApp and calls, a call shown as the text it speaks) are part of the
handset's messages and thread.
"""

from __future__ import annotations

from sandbox.core import formats, hooks
from sandbox.core.state import load_state
from sandbox.resources.brand_registrations import otp
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.messages.inbound import InboundError, receive
from sandbox.resources.messages.models import Message
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.resources.verifications import mailbox

__all__ = [
    "InboundError",
    "conversation",
    "last_contact",
    "messages_received",
    "platform_numbers",
    "send_from_handset",
]

RECEIVED = (Message.Status.DELIVERED, Message.Status.READ)


def _address(number: str, channel: str) -> str:
    number = formats.split_channel(number.strip())[1]
    return f"whatsapp:{number}" if channel == "whatsapp" else number


def handset_json(message: Message) -> dict:
    return {
        "sid": message.sid,
        "account_sid": message.account.sid,
        "from": message.from_address or message.sender,
        "to": message.to_address,
        "body": message.body,
        "status": str(message.status),
        "direction": str(message.direction),
        "channel": "whatsapp" if message.channel == "whatsapp" else "sms",
        "num_media": message.num_media,
        "media_urls": [m.url for m in message.media.all()],
        "error_code": message.error_code,
        "date_created": formats.iso8601(message.date_created),
        "date_sent": formats.iso8601(message.date_sent),
    }


def send_from_handset(
    from_number: str,
    to_number: str,
    body: str = "",
    channel: str = "sms",
    media_urls: list[str] | None = None,
) -> dict:
    """A handset sends an SMS or WhatsApp message to a platform number."""
    if channel not in ("sms", "whatsapp"):
        raise InboundError(f"unsupported channel {channel}")
    if channel == "sms" and to_number.strip() == otp.OTP_SENDER:
        return handset_json(_otp_reply(from_number, body))
    message = receive(
        _address(from_number, channel),
        _address(to_number, channel),
        body,
        list(media_urls or ()),
        load_state().now,
    )
    return handset_json(message)


def _otp_reply(from_number: str, body: str):
    handset = from_number.strip()
    if not formats.is_e164(handset) or not body.strip():
        raise InboundError("a reply needs a valid E.164 number and a body")
    try:
        return otp.receive_reply(handset, body, load_state().now)
    except LookupError as err:
        raise InboundError(str(err)) from err


def messages_received(number: str) -> list[dict]:
    """Every message delivered to the handset (SMS and WhatsApp), oldest first."""
    bare = formats.split_channel(number.strip())[1]
    messages = (
        Message.objects.select_related("account")
        .prefetch_related("media")
        .filter(to_address__in=[bare, f"whatsapp:{bare}"], status__in=RECEIVED)
        .exclude(direction=Message.Direction.INBOUND)
        .order_by("date_sent", "id")
    )
    found = [handset_json(m) for m in messages] + mailbox.to_handset(number)
    return sorted(found, key=lambda m: m["date_sent"] or "")


def _thread(number: str):
    """Every message from or to the handset (SMS and WhatsApp), any status."""
    bare = formats.split_channel(number.strip())[1]
    addresses = [bare, f"whatsapp:{bare}"]
    inbound = Message.objects.filter(
        from_address__in=addresses, direction=Message.Direction.INBOUND
    )
    outbound = Message.objects.filter(to_address__in=addresses).exclude(
        direction=Message.Direction.INBOUND
    )
    return (inbound | outbound).order_by("-date_created", "-id")


def conversation(number: str, limit: int = 100) -> list[dict]:
    """The handset's whole thread, both directions and every status, newest last."""
    messages = _thread(number).select_related("account").prefetch_related("media")[:limit]
    found = [handset_json(m) for m in reversed(list(messages))]
    found += mailbox.to_handset(number, limit)
    return sorted(found, key=lambda m: m["date_created"] or "")[-limit:]


def last_contact(number: str) -> str | None:
    """The platform number this handset last exchanged a message with, either way."""
    last = _thread(number).first()
    if last is None:
        return None
    other = (last.from_address or last.sender) if last.outbound else last.to_address
    return formats.split_channel(other)[1] or None


def platform_numbers() -> list[dict]:
    """Numbers a handset can write to: every number a sandbox account owns, with its business."""
    numbers = list(PhoneNumber.objects.select_related("account").order_by("phone_number"))
    whatsapp = set(WhatsAppSender.objects.values_list("phone_number", flat=True))
    labels = (
        hooks.ask(
            "handset_number_labels",
            numbers=[(n.phone_number, n.account.sid) for n in numbers],
        )
        or {}
    )
    found = [
        {
            "phone_number": n.phone_number,
            "friendly_name": n.friendly_name,
            "business": labels.get(n.phone_number) or n.account.friendly_name,
            "account_sid": n.account.sid,
            "sms": n.sms_capable,
            "whatsapp": n.phone_number in whatsapp,
        }
        for n in numbers
    ]
    if Brand.objects.filter(otp_sent_at__isnull=False).exists():
        found.append(
            {
                "phone_number": otp.OTP_SENDER,
                "friendly_name": "Twilio brand verification",
                "business": "Twilio brand verification (sole-proprietor OTP)",
                "account_sid": "",
                "sms": True,
                "whatsapp": False,
            }
        )
    return found
