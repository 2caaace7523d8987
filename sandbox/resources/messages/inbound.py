"""Messages from handsets to platform numbers, and Twilio's opt-out keywords."""

from __future__ import annotations

import datetime as dt

from sandbox.core import formats
from sandbox.core.sids import new_sid
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.messages import segments
from sandbox.resources.messages.handlers import MAX_BODY, MAX_MEDIA, guess_content_type
from sandbox.resources.messages.models import Media, Message
from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.phone_numbers.models import PhoneNumber

OPT_OUT_KEYWORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
OPT_IN_KEYWORDS = {"START", "YES", "UNSTOP"}
HELP_KEYWORDS = {"HELP", "INFO"}
REPLIES = {
    "STOP": "You have successfully been unsubscribed. You will not receive any more messages "
    "from this number. Reply START to resubscribe.",
    "START": "You have successfully been re-subscribed to messages from this number. Reply HELP "
    "for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
    "HELP": "Reply STOP to unsubscribe. Msg&Data Rates May Apply.",
}


class InboundError(ValueError):
    """The handset's message can't reach that address (not a platform number or sender)."""


def keyword_type(body: str) -> str | None:
    """`STOP`, `START` or `HELP` when the whole body is one of Twilio's keywords."""
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return "STOP"
    if word in OPT_IN_KEYWORDS:
        return "START"
    if word in HELP_KEYWORDS:
        return "HELP"
    return None


def destination(to_address: str) -> tuple[PhoneNumber | None, WhatsAppSender | None]:
    """The platform number and/or WhatsApp sender a handset's message goes to."""
    channel, number = formats.split_channel(to_address)
    phone = (
        PhoneNumber.objects.select_related("account", "service_membership__service")
        .filter(phone_number=number)
        .first()
    )
    if channel == "whatsapp":
        sender = (
            WhatsAppSender.objects.select_related("account")
            .filter(phone_number=number, status=WhatsAppSender.Status.ONLINE)
            .first()
        )
        if sender is None:
            raise InboundError(f"{to_address} is not a WhatsApp sender in the sandbox")
        return phone, sender
    if channel != "sms":
        raise InboundError(f"unsupported channel {channel}")
    if phone is None:
        raise InboundError(f"{to_address} is not a number any sandbox account owns")
    if not phone.sms_capable:
        raise InboundError(f"{to_address} cannot receive SMS")
    return phone, None


def service_of(phone: PhoneNumber | None) -> MessagingService | None:
    membership = getattr(phone, "service_membership", None) if phone else None
    return membership.service if membership is not None else None


def receive(
    from_address: str,
    to_address: str,
    body: str,
    media_urls: list[str],
    now: dt.datetime,
    *,
    button: tuple[str, str, str] | None = None,
) -> Message:
    """Twilio receives a handset's message: stored as `receiving`, processed on the next tick.
    `button`: (text, payload, replied message SID) of a WhatsApp quick-reply tap."""
    channel, handset = formats.split_channel(from_address)
    if not formats.is_e164(handset):
        raise InboundError(f"{from_address} is not a valid E.164 number")
    if formats.split_channel(to_address)[0] != channel:
        raise InboundError("the handset and the platform address must use the same channel")
    if len(body) > MAX_BODY or len(media_urls) > MAX_MEDIA or not (body or media_urls):
        raise InboundError("a message needs a body of at most 1600 characters or 1-10 media")
    phone, sender = destination(to_address)
    account = sender.account if sender is not None else phone.account
    service = service_of(phone)
    kind = "whatsapp" if channel == "whatsapp" else ("mms" if media_urls else "sms")
    button_text, button_payload, replied_sid = button or ("", "", "")
    message = Message.objects.create(
        sid=new_sid("MM" if media_urls else "SM"),
        account=account,
        messaging_service_sid=service.sid if service else "",
        from_address=from_address,
        sender=to_address,
        to_address=to_address,
        body=body,
        status=Message.Status.RECEIVING,
        direction=Message.Direction.INBOUND,
        channel=kind,
        num_segments=segments.count(body) if kind == "sms" else 1,
        num_media=len(media_urls),
        button_text=button_text,
        button_payload=button_payload,
        replied_message_sid=replied_sid,
        date_created=now,
        date_updated=now,
        next_transition_at=now,
    )
    Media.objects.bulk_create(
        Media(
            sid=new_sid("ME"),
            message=message,
            content_type=guess_content_type(url),
            url=url,
            date_created=now,
            date_updated=now,
        )
        for url in media_urls
    )
    return message
