"""Inbound messages: store once, thread into a conversation, honour STOP/START/HELP.

The opt-out a STOP causes is recorded in the same transaction that stores the message, and
that transaction first locks the number's queued sends (see `services.optout_add`), so no
message goes out to a number after its STOP is recorded. Keywords are matched on the whole
message, case- and whitespace-insensitively. Who replies is decided per sender in
`messaging.keywords`: where Twilio answers, the platform records the consent and sends nothing.
A WhatsApp quick-reply tap arrives as an inbound with `ButtonPayload` (the button's id) and
`ButtonText`; both are kept on the message and shown in the thread.
"""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
from django.db import transaction
from django.utils import timezone

from isvplatform import metrics
from messaging import enqueue, events
from messaging.keywords import PLATFORM, keyword_responder
from messaging.models import (
    STATUS_RANK,
    Channel,
    Conversation,
    Direction,
    Message,
    MessageMedia,
    OptOut,
    Status,
    WebhookEvent,
)
from messaging.services import (
    conversation_get_or_create,
    conversation_touch,
    keyword_reply,
    optout_add,
    optout_remove,
    record_reply,
    strip_channel,
)
from messaging.statuses import record_event
from provisioning.accounts import CallbackOwner, tenant_callback_owner
from provisioning.models import MessagingService
from provisioning.selectors import tenant_for_number
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

STOP, START, HELP = "STOP", "START", "HELP"
KEYWORDS = {
    **{
        k: STOP
        for k in (
            "STOP",
            "STOPALL",
            "UNSUBSCRIBE",
            "CANCEL",
            "END",
            "QUIT",
            "REVOKE",
            "OPTOUT",
            "OPT OUT",
        )
    },
    **{k: START for k in ("START", "YES", "UNSTOP")},
    **{k: HELP for k in ("HELP", "INFO")},
}
BUTTON_MAX = Message._meta.get_field("button_payload").max_length
_SPACES = re.compile(r"\s+")
_MEDIA_SID = re.compile(r"/Media/(ME[0-9a-fA-F]{32})")


def keyword_family(body: str) -> str | None:
    """STOP, START or HELP when the whole message is one of that family's keywords."""
    normalized = _SPACES.sub(" ", (body or "").strip()).upper().strip(" .!")
    return KEYWORDS.get(normalized)


@dataclass(frozen=True)
class InboundResult:
    message: Message | None
    reply: str = ""
    duplicate: bool = False


def tenant_for_inbound(to_number: str, messaging_service_sid: str) -> Tenant | None:
    tenant = tenant_for_number(to_number) if to_number else None
    if tenant is None and messaging_service_sid:
        service = (
            MessagingService.objects.filter(sid=messaging_service_sid)
            .select_related("tenant")
            .first()
        )
        tenant = service.tenant if service else None
    return tenant


def inbound_owner(params: Mapping[str, str]) -> CallbackOwner | None:
    """Who must have signed an inbound message: the tenant owning its `To` number (or, failing
    that, its messaging service). The owner's subject is that tenant."""
    _, to_number = strip_channel(params.get("To") or "")
    tenant = tenant_for_inbound(to_number, params.get("MessagingServiceSid") or "")
    return tenant_callback_owner(tenant.pk, tenant) if tenant is not None else None


def _int(value: str | None) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


def receive_inbound(params: Mapping[str, str], tenant: Tenant | None) -> InboundResult:
    """Everything an inbound webhook does, given its verified form parameters and the tenant
    whose number (or service) it was verified for (`inbound_owner`)."""
    message_sid = params.get("MessageSid") or params.get("SmsSid") or ""
    if not message_sid:
        return InboundResult(None)
    channel, to_number = strip_channel(params.get("To") or "")
    _, from_number = strip_channel(params.get("From") or "")
    if tenant is None:
        logger.warning("inbound %s to %s: no tenant owns this number", message_sid, to_number)
        return InboundResult(None)
    body = params.get("Body") or ""
    opt_out_type = (params.get("OptOutType") or "").upper()
    family = opt_out_type if opt_out_type in (STOP, START, HELP) else keyword_family(body)
    now = timezone.now()
    media_count = _int(params.get("NumMedia"))

    with transaction.atomic():
        if not record_event(
            kind=WebhookEvent.Kind.INBOUND,
            message_sid=message_sid,
            status=Status.RECEIVED,
            account_sid=params.get("AccountSid") or "",
            payload=dict(params.items()),
        ):
            return InboundResult(None, duplicate=True)
        conversation = conversation_get_or_create(
            tenant_id=tenant.pk, channel=channel, contact_number=from_number, our_number=to_number
        )
        _name_contact(conversation, params)
        message = _create_inbound(
            tenant,
            conversation,
            params,
            channel=channel,
            from_number=from_number,
            to_number=to_number,
            received_at=now,
        )
        structlog.contextvars.bind_contextvars(message_id=str(message.pk))
        conversation_touch(conversation, message)
        reply = _handle_keyword(tenant, message, family, twilio_handled=bool(opt_out_type))
        if reply:
            record_reply(tenant=tenant, conversation=conversation, inbound=message, body=reply)
        events.emit_message_received(message)
        if media_count:
            enqueue.fetch_inbound_media(str(message.pk))
    metrics.count_received(channel)
    return InboundResult(message, reply=reply)


def _media_sid(url: str) -> str:
    match = _MEDIA_SID.search(url)
    return match.group(1) if match else ""


def _name_contact(conversation: Conversation, params: Mapping[str, str]) -> None:
    """WhatsApp sends the contact's profile name; the thread keeps the latest."""
    profile_name = (params.get("ProfileName") or "").strip()
    if profile_name and profile_name != conversation.contact_name:
        conversation.contact_name = profile_name[:200]
        conversation.save(update_fields=["contact_name"])


def _create_inbound(
    tenant: Tenant,
    conversation: Conversation,
    params: Mapping[str, str],
    *,
    channel: str,
    from_number: str,
    to_number: str,
    received_at: datetime,
) -> Message:
    """The received message and a row per media item it brings (fetched later)."""
    message = Message.objects.create(
        tenant=tenant,
        conversation=conversation,
        direction=Direction.INBOUND,
        channel=channel,
        origin=Message.Origin.INBOUND,
        from_number=from_number,
        to_number=to_number,
        body=params.get("Body") or "",
        button_payload=(params.get("ButtonPayload") or "")[:BUTTON_MAX],
        button_text=(params.get("ButtonText") or "")[:BUTTON_MAX],
        messaging_service_sid=params.get("MessagingServiceSid") or "",
        account_sid=params.get("AccountSid") or "",
        status=Status.RECEIVED,
        status_rank=STATUS_RANK[Status.RECEIVED],
        segments=_int(params.get("NumSegments")) or (1 if channel == Channel.SMS else 0),
        sid=params.get("MessageSid") or params.get("SmsSid") or "",
        created_at=received_at,
        updated_at=received_at,
        received_at=received_at,
    )
    MessageMedia.objects.bulk_create(
        [
            MessageMedia(
                tenant=tenant,
                message=message,
                position=index,
                url=params.get(f"MediaUrl{index}") or "",
                sid=_media_sid(params.get(f"MediaUrl{index}") or ""),
                content_type=params.get(f"MediaContentType{index}") or "",
            )
            for index in range(_int(params.get("NumMedia")))
        ]
    )
    return message


def _handle_keyword(tenant: Tenant, message: Message, family: str | None, twilio_handled: bool):
    """Apply a keyword; returns the reply to send as TwiML ("" when Twilio answers it, see
    `messaging.keywords`)."""
    if family is None:
        return ""
    keyword = _SPACES.sub(" ", message.body.strip()).upper()[:32]
    contact = Actor.system()
    if family == STOP:
        optout_add(
            tenant=tenant,
            number=message.from_number,
            channel=message.channel,
            source=OptOut.Source.KEYWORD,
            keyword=keyword,
            actor=contact,
            message=message,
        )
        kind = "opt_out_reply"
    elif family == START:
        optout_remove(
            tenant=tenant,
            number=message.from_number,
            channel=message.channel,
            source=OptOut.Source.KEYWORD,
            keyword=keyword,
            actor=contact,
            message=message,
        )
        kind = "opt_in_reply"
    else:
        kind = "help_reply"
    responder = keyword_responder(channel=message.channel, twilio_handled=twilio_handled)
    return keyword_reply(tenant, kind) if responder == PLATFORM else ""
