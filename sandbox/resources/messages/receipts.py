"""WhatsApp read receipts: a delivered WhatsApp message the handset has looked at becomes
`read`, and its status callback says so (SMS has no read receipts)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sandbox.core import callbacks
from sandbox.resources.messages.lifecycle import status_callback
from sandbox.resources.messages.models import Message


def mark_read(handset: str, at: dt.datetime) -> int:
    """Every delivered WhatsApp message to `handset` (`whatsapp:+…`) becomes `read`."""
    with transaction.atomic():
        delivered = list(
            Message.objects.select_for_update(of=("self",))
            .select_related("account")
            .filter(to_address=handset, channel="whatsapp", status=Message.Status.DELIVERED)
            .exclude(direction=Message.Direction.INBOUND)
        )
        for message in delivered:
            message.status, message.date_updated = Message.Status.READ, at
        Message.objects.bulk_update(delivered, ["status", "date_updated"])
        callbacks.enqueue([cb for m in delivered if (cb := status_callback(m, at)) is not None])
    return len(delivered)
