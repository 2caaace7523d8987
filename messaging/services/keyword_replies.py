"""The texts the platform answers STOP, START and HELP with, and storing one it sent.

Whether the platform or Twilio answers a keyword at all is decided in `messaging.keywords`.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from messaging.models import (
    STATUS_RANK,
    Channel,
    Conversation,
    Direction,
    Message,
    MessagingSettings,
    Status,
)
from messaging.segments import segment_info
from messaging.services.conversations import conversation_touch
from tenants.models import Tenant
from tenants.services import Actor, record_audit

REPLY_KINDS = ("opt_out_reply", "opt_in_reply", "help_reply")


def messaging_settings_for(tenant: Tenant) -> MessagingSettings:
    settings_row, _ = MessagingSettings.objects.get_or_create(tenant=tenant)
    return settings_row


def default_replies(tenant: Tenant) -> dict[str, str]:
    profile = getattr(tenant, "profile", None)
    name = (profile.dba_name or profile.legal_name) if profile else ""
    name = name or tenant.name
    contact = ""
    if profile is not None:
        contact = profile.contact_email or profile.contact_phone or profile.website
    help_contact = f" contact {contact}" if contact else " reply to this message"
    return {
        "opt_out_reply": f"{name}: You are unsubscribed and will receive no more messages. "
        "Reply START to resubscribe.",
        "opt_in_reply": f"{name}: You are subscribed again. Msg&data rates may apply. "
        "Reply STOP to unsubscribe.",
        "help_reply": f"{name}: For help,{help_contact}. Msg&data rates may apply. "
        "Reply STOP to unsubscribe.",
    }


def keyword_reply(tenant: Tenant, kind: str) -> str:
    """The tenant's configured reply of `kind` (opt_out_reply, opt_in_reply, help_reply)."""
    configured = getattr(messaging_settings_for(tenant), kind)
    return configured or default_replies(tenant)[kind]


def messaging_settings_update(
    *, tenant: Tenant, data: Mapping[str, str], actor: Actor
) -> MessagingSettings:
    row = messaging_settings_for(tenant)
    changes = {}
    for name in REPLY_KINDS:
        if name in data:
            value = (data[name] or "").strip()
            if len(value) > 320:
                raise ValidationError({name: "Keep replies to 320 characters (two segments)."})
            if value != getattr(row, name):
                changes[name] = [getattr(row, name), value]
                setattr(row, name, value)
    if changes:
        with transaction.atomic():
            row.save()
            record_audit(
                tenant=tenant,
                actor=actor,
                action="messaging_settings.updated",
                target=row,
                changes=changes,
            )
    return row


def record_reply(
    *, tenant: Tenant, conversation: Conversation, inbound: Message, body: str
) -> Message:
    """Store a keyword auto-reply answered as TwiML (Twilio sends it; no SID comes back)."""
    now = timezone.now()
    reply = Message.objects.create(
        tenant=tenant,
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=inbound.channel,
        origin=Message.Origin.AUTO_REPLY,
        from_number=inbound.to_number,
        to_number=inbound.from_number,
        body=body,
        account_sid=inbound.account_sid,
        status=Status.SENT,
        status_rank=STATUS_RANK[Status.SENT],
        segments=segment_info(body).segments if inbound.channel == Channel.SMS else 1,
        encoding=segment_info(body).encoding if inbound.channel == Channel.SMS else "",
        actor_label="auto-reply",
        created_at=now,
        updated_at=now,
        sent_at=now,
    )
    conversation_touch(conversation, reply)
    return reply
