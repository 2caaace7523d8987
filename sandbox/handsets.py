"""The handset simulator: play the end customer who texts platform numbers.

`send_from_handset("+15551230001", "+14155550100", "Hi")` makes Twilio receive that SMS
(`channel="whatsapp"` for WhatsApp); the inbound webhook goes out on the next clock advance.
`messages_received("+15551230001")` lists what the platform delivered to that handset.
`platform_numbers()` labels each number with its business: the answer to the
`handset_number_labels` hook (the platform registers one), else the owning account's name.
A reply to Twilio's brand-verification short code answers a sole proprietor's OTP.
A message sent from a content template shows its buttons; `tap_button(number, sid, id)`
answers a quick reply (an inbound WhatsApp message with `ButtonText`/`ButtonPayload`), and
`read_messages(number)` (the page does it when it shows the thread) marks delivered
WhatsApp messages `read`.
"""

from __future__ import annotations

from sandbox.core import formats, hooks
from sandbox.core.state import load_state
from sandbox.resources.brand_registrations import otp
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.content import render
from sandbox.resources.content.models import Content
from sandbox.resources.messages import receipts
from sandbox.resources.messages.inbound import InboundError, receive
from sandbox.resources.messages.models import Message
from sandbox.resources.phone_numbers.models import PhoneNumber

__all__ = [
    "InboundError",
    "conversation",
    "last_contact",
    "messages_received",
    "platform_numbers",
    "read_messages",
    "send_from_handset",
    "tap_button",
]

RECEIVED = (Message.Status.DELIVERED, Message.Status.READ)


def _address(number: str, channel: str) -> str:
    number = formats.split_channel(number.strip())[1]
    return f"whatsapp:{number}" if channel == "whatsapp" else number


def _contents(messages) -> dict[str, Content]:
    sids = {m.content_sid for m in messages if m.content_sid}
    return {c.sid: c for c in Content.objects.filter(sid__in=sids)} if sids else {}


def _template_parts(message: Message, contents: dict[str, Content]) -> tuple[list[dict], str]:
    """The buttons and footer a template message shows on the handset."""
    content = contents.get(message.content_sid) if message.outbound else None
    if content is None:
        return [], ""
    rendered = render.render(content, message.content_variables, message.channel)
    buttons = [
        {"kind": b.kind, "title": b.title, "payload": b.payload or b.title, "target": b.target}
        for b in rendered.buttons
    ]
    return buttons, rendered.footer


def handset_json(message: Message, contents: dict[str, Content] | None = None) -> dict:
    if contents is None:
        contents = _contents([message])
    buttons, footer = _template_parts(message, contents)
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
        "content_sid": message.content_sid or None,
        "buttons": buttons,
        "footer": footer,
        "button_payload": message.button_payload or None,
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
    messages = list(messages)
    contents = _contents(messages)
    return [handset_json(m, contents) for m in messages]


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
    messages = list(_thread(number).select_related("account").prefetch_related("media")[:limit])
    contents = _contents(messages)
    return [handset_json(m, contents) for m in reversed(messages)]


def read_messages(number: str) -> int:
    """The handset looks at its WhatsApp thread: delivered messages become `read`."""
    bare = formats.split_channel(number.strip())[1]
    return receipts.mark_read(f"whatsapp:{bare}", load_state().now)


def tap_button(number: str, message_sid: str, button: str) -> dict:
    """The handset taps a quick-reply button (by its id or title) of a template message it
    received: Twilio receives a WhatsApp message with the button's text and payload."""
    bare = formats.split_channel(number.strip())[1]
    message = (
        Message.objects.select_related("account")
        .filter(sid=message_sid, to_address=f"whatsapp:{bare}", status__in=RECEIVED)
        .first()
    )
    if message is None:
        raise InboundError(f"{number} received no WhatsApp message {message_sid}")
    buttons, _ = _template_parts(message, _contents([message]))
    chosen = next(
        (b for b in buttons if b["kind"] == "QUICK_REPLY" and button in (b["payload"], b["title"])),
        None,
    )
    if chosen is None:
        raise InboundError(f"{message_sid} has no quick-reply button {button}")
    inbound = receive(
        f"whatsapp:{bare}",
        message.from_address or message.sender,
        chosen["title"],
        [],
        load_state().now,
        button=(chosen["title"], chosen["payload"], message.sid),
    )
    return handset_json(inbound)


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
