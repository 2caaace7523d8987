"""Applying the ESP's tracking events (anymail's normalised `AnymailTrackingEvent`) to emails.

Each event is kept once as an `EmailEvent` (a repeated SNS delivery inserts nothing and
changes nothing); a new one moves its message forward only (`status_rank`), as Twilio's
statuses do, tells the tenant's webhooks, counts a broadcast's final statuses, and puts hard
bounces and complaints on the suppression list.
"""

import hashlib
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from emails.models import EmailEvent
from emails.services.suppression import normalize_address, suppress
from messaging import events, signals
from messaging.models import FINAL_RANK, STATUS_RANK, STATUS_TIMESTAMP, Message, OptOut, Status
from tenants.services import Actor

logger = logging.getLogger(__name__)

# anymail event_type -> the message status it stands for (others are kept, not applied).
EVENT_STATUS = {
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "bounced": Status.UNDELIVERED,
    "rejected": Status.FAILED,
    "failed": Status.FAILED,
    "complained": Status.COMPLAINED,
    "opened": Status.OPENED,
    "clicked": Status.OPENED,
}
ERROR_STATUSES = (Status.FAILED, Status.UNDELIVERED)


def esp_key(esp_name: str) -> str:
    """anymail's display name ("Amazon SES") as the platform's ESP name ("amazon_ses")."""
    return (esp_name or "").strip().lower().replace(" ", "_")[:32]


def _event_id(event: Any) -> str:
    """The ESP's id of the event; a stable digest of its content when the ESP gives none."""
    if event.event_id:
        return str(event.event_id)[:255]
    raw = f"{event.message_id}|{event.event_type}|{event.timestamp}|{event.recipient}"
    return "digest:" + hashlib.sha256(raw.encode()).hexdigest()


def _text(value: Any, limit: int) -> str:
    return str(value or "")[:limit]


def _record(message: Message, event: Any, esp_name: str) -> EmailEvent | None:
    """Insert the event once; None when this (ESP, event id, type, recipient) is known."""
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    try:
        with transaction.atomic():
            return EmailEvent.objects.create(
                tenant_id=message.tenant_id,
                message=message,
                esp_name=esp_name,
                event_id=_event_id(event),
                event_type=_text(event.event_type, 20),
                recipient=normalize_address(event.recipient or "")[:254],
                occurred_at=event.timestamp or timezone.now(),
                description=_text(event.description, 500),
                mta_response=_text(event.mta_response, 1000),
                click_url=_text(event.click_url, 2000),
                user_agent=_text(event.user_agent, 500),
                payload=esp_event,
            )
    except IntegrityError:
        return None


def error_text(event: Any) -> str:
    """What a bounce or reject says: SES's bounce type and the receiving server's answer."""
    parts = [p for p in (event.description, event.mta_response) if p]
    return " — ".join(str(p) for p in parts)[:500]


def _move(message: Message, status: str, error: str) -> bool:
    """Move the message to `status` unless it is there or further already (forward only)."""
    rank = STATUS_RANK[status]
    now = timezone.now()
    changes: dict[str, Any] = {"status": status, "status_rank": rank, "updated_at": now}
    column = STATUS_TIMESTAMP.get(status)
    if column:
        changes[column] = Coalesce(F(column), now)
    if status in ERROR_STATUSES and error:
        changes["error_message"] = error
    moved = Message.objects.filter(pk=message.pk, status_rank__lt=rank).update(**changes) == 1
    if moved:
        message.refresh_from_db()
    return moved


def _announce(message: Message) -> None:
    events.emit_message_status(message)
    if message.origin == Message.Origin.BROADCAST and message.status_rank >= FINAL_RANK:
        signals.broadcast_message_final.send(
            sender=Message,
            message_id=str(message.pk),
            tenant_id=message.tenant_id,
            status=message.status,
            error_code=message.error_code,
        )


def is_hard_bounce(event: Any) -> bool:
    """SES's bounceType Permanent (the address doesn't exist or is on SES's list); soft
    (Transient) and Undetermined bounces don't suppress."""
    if event.event_type != "bounced":
        return False
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    bounce_type = (esp_event.get("bounce") or {}).get("bounceType")
    if bounce_type is None:
        return str(event.description or "").startswith("Permanent")
    return bounce_type == "Permanent"


def _suppress_for(message: Message, event: Any) -> None:
    address = normalize_address(event.recipient or message.to_number)
    if not address:
        return
    if is_hard_bounce(event):
        source, reason = OptOut.Source.BOUNCE, f"Hard bounce: {error_text(event)}"
    elif event.event_type == "complained":
        source, reason = OptOut.Source.COMPLAINT, "The recipient marked an email as spam."
    else:
        return
    suppress(
        tenant=message.tenant,
        address=address,
        source=source,
        actor=Actor.system(),
        reason=reason[:500],
        message=message,
    )


def tracking_event_apply(event: Any, esp_name: str) -> bool:
    """Apply one normalised tracking event; True when the message's status moved."""
    if not event.message_id:
        return False
    message = (
        Message.objects.select_related("tenant").filter(esp_message_id=event.message_id).first()
    )
    if message is None:
        logger.info("tracking event %s names no known email", event.event_type)
        return False
    with transaction.atomic():
        if _record(message, event, esp_key(esp_name)) is None:
            return False
        status = EVENT_STATUS.get(event.event_type)
        moved = status is not None and _move(message, status, error_text(event))
        if moved:
            _announce(message)
        _suppress_for(message, event)
    return moved


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    """anymail's `tracking` signal receiver (connected in emails/receivers.py)."""
    tracking_event_apply(event, esp_name)
