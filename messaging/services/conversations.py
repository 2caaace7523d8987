"""Conversations: one thread per (tenant, channel, contact, our number), kept pointing at its
latest message, and the WhatsApp customer-service window it opens."""

from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone

from messaging.models import Channel, Conversation, Direction, Message
from messaging.services.senders import Sender
from provisioning.selectors import primary_number
from tenants.models import Tenant

WHATSAPP_WINDOW = timedelta(hours=24)


def conversation_get_or_create(
    *, tenant_id: int, channel: str, contact_number: str, our_number: str
) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        tenant_id=tenant_id,
        channel=channel,
        contact_number=contact_number,
        our_number=our_number,
    )
    return conversation


def thread_number_for(tenant: Tenant, channel: str, contact: str, sender: Sender) -> str:
    """The tenant's number a thread runs on; for service sends, the number already in use
    with this contact (sticky sender), else the primary number."""
    return _thread_number(tenant, channel, contact, sender.from_number)


def _thread_number(tenant: Tenant, channel: str, contact: str, from_number: str) -> str:
    if from_number:
        return from_number
    existing = (
        Conversation.objects.for_tenant(tenant)
        .filter(channel=channel, contact_number=contact)
        .order_by("-last_message_at")
        .values_list("our_number", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    primary = primary_number(tenant)
    return primary.phone_number if primary else ""


def message_thread(message_id: str) -> None:
    """Put an outbound message into its conversation when its send left that to the task
    (API, batch and broadcast sends answer before threading); idempotent."""
    message = (
        Message.objects.select_related("tenant")
        .filter(pk=message_id, conversation__isnull=True, direction=Direction.OUTBOUND)
        .first()
    )
    if message is None:
        return
    conversation = conversation_get_or_create(
        tenant_id=message.tenant_id,
        channel=message.channel,
        contact_number=message.to_number,
        our_number=_thread_number(
            message.tenant, message.channel, message.to_number, message.from_number
        ),
    )
    threaded = Message.objects.filter(pk=message.pk, conversation__isnull=True).update(
        conversation=conversation
    )
    if threaded:
        conversation_touch(conversation, message)


def conversation_touch(conversation: Conversation, message: Message) -> None:
    """Make `message` the thread's last one unless a newer one is already there."""
    if message.direction == Direction.INBOUND:
        Conversation.objects.filter(pk=conversation.pk).update(
            unread_count=F("unread_count") + 1, last_inbound_at=message.created_at
        )
    Conversation.objects.filter(
        Q(last_message__isnull=True) | Q(last_message_at__lte=message.created_at),
        pk=conversation.pk,
    ).update(last_message=message, last_message_at=message.created_at)


def whatsapp_window_closes_at(
    *, tenant_id: int, contact_number: str, our_number: str = ""
) -> datetime | None:
    """When the WhatsApp customer-service window with this contact closes (None: closed)."""
    threads = Conversation.objects.for_tenant(tenant_id).filter(
        channel=Channel.WHATSAPP, contact_number=contact_number, last_inbound_at__isnull=False
    )
    if our_number:
        threads = threads.filter(our_number=our_number)
    last = threads.order_by("-last_inbound_at").values_list("last_inbound_at", flat=True).first()
    if last is None or last + WHATSAPP_WINDOW <= timezone.now():
        return None
    return last + WHATSAPP_WINDOW


def conversation_mark_read(*, conversation: Conversation) -> None:
    if conversation.unread_count:
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)
        conversation.unread_count = 0
