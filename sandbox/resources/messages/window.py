"""WhatsApp's 24-hour customer-service window: open while the handset's last message to the
sender is less than 24 hours old (each inbound message reopens it)."""

from __future__ import annotations

import datetime as dt

from sandbox.resources.messages.models import Message

WHATSAPP_WINDOW = dt.timedelta(hours=24)


def session_open(handset: str, sender: str, at: dt.datetime) -> bool:
    """Whether `handset` (`whatsapp:+…`) wrote to `sender` within the 24 hours before `at`."""
    return Message.objects.filter(
        direction=Message.Direction.INBOUND,
        from_address=handset,
        to_address=sender,
        date_created__gt=at - WHATSAPP_WINDOW,
        date_created__lte=at,
    ).exists()
