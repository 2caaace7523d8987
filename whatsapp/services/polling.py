"""Following a sender in Twilio: one poll per sender whose next check is due (Celery beat,
with backoff per sender), and the staff's re-sync. Twilio sends no callback when a sender's
status changes (`webhook.status_callback_url` carries the statuses of the sender's messages,
twilio_messaging_v2.json), so polling is how the platform learns of every move."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from provisioning.models import PhoneNumber
from tenants.models import Tenant
from whatsapp import enqueue
from whatsapp.models import TWILIO_STATUSES, SenderStatus, WhatsAppSender
from whatsapp.services.common import (
    claimed,
    client_for,
    locked,
    offline_reason,
    poll_delay,
    save_fields,
    transition,
)

POLLED = (
    SenderStatus.CREATING,
    SenderStatus.PENDING_VERIFICATION,
    SenderStatus.VERIFYING,
    SenderStatus.TWILIO_REVIEW,
    SenderStatus.ONLINE,
    SenderStatus.ONLINE_UPDATING,
    SenderStatus.OFFLINE,
)


def apply_found(sender: WhatsAppSender, found: gateway.WhatsAppSenderInfo) -> bool:
    """Twilio's view of the sender on the row (inside a transaction); True when it moved."""
    to_status = TWILIO_STATUSES.get(found.status, sender.status)
    save_fields(
        sender,
        raw_status=found.status,
        quality_rating=found.quality_rating,
        messaging_limit=found.messaging_limit,
        offline_reasons=list(found.offline_reasons),
        last_polled_at=timezone.now(),
    )
    reason = offline_reason(sender.offline_reasons) if to_status == SenderStatus.OFFLINE else ""
    moved = transition(sender, to_status, reason=reason)
    attempts = 0 if moved else sender.poll_attempts + 1
    save_fields(
        sender,
        poll_attempts=attempts,
        last_error_code=None if moved else sender.last_error_code,
        next_poll_at=timezone.now() + poll_delay(sender, attempts),
    )
    return moved


def poll_sender(sender_id: str, *, force: bool = False) -> WhatsAppSender | None:
    """Fetch one sender from Twilio and apply it (task); not yet due answers at once."""
    now = timezone.now()
    conditions = {"status__in": POLLED}
    if not force:
        conditions["next_poll_at__lte"] = now
    with claimed(sender_id, **conditions) as held:
        sender = WhatsAppSender.objects.select_related("tenant").filter(pk=sender_id).first()
        if held is None or sender is None or not sender.sid:
            return sender
        try:
            found = gateway.fetch_whatsapp_sender(client_for(sender.tenant), sender.sid)
        except (gateway.GatewayError, NoTwilioAccount) as err:
            attempts = sender.poll_attempts + 1
            save_fields(
                sender,
                last_error_code=getattr(err, "code", None),
                last_error_message=str(err),
                poll_attempts=attempts,
                next_poll_at=now + poll_delay(sender, attempts),
            )
            return sender
        with transaction.atomic():
            sender = locked(held)
            if sender is not None:
                apply_found(sender, found)
                _retry_owner_action(sender)
        return sender


def _retry_owner_action(sender: WhatsAppSender) -> None:
    """A code (or a request for a new one) whose Twilio call failed goes again after a poll."""
    if not sender.awaits_code:
        return
    if sender.pending_code:
        enqueue.verify(sender.pk)
    elif sender.resend_method:
        enqueue.resend(sender.pk)


def due_senders(now: datetime | None = None, limit: int = 500) -> list[tuple[str, str]]:
    """("submit" | "poll", id) of every sender whose next step is due (the beat's work)."""
    now = now or timezone.now()
    rows = (
        WhatsAppSender.objects.filter(
            status__in=(SenderStatus.SUBMITTING, *POLLED), next_poll_at__lte=now
        )
        .order_by("next_poll_at")
        .values_list("pk", "status")[:limit]
    )
    return [
        ("submit" if status == SenderStatus.SUBMITTING else "poll", str(pk)) for pk, status in rows
    ]


def sync_senders(tenant: Tenant) -> int:
    """Record the senders Twilio has for the tenant's numbers that the platform doesn't know
    (registered in Twilio's Console, or before the platform did it): one call, then rows."""
    found = gateway.list_whatsapp_senders(client_for(tenant))
    known = set(WhatsAppSender.objects.for_tenant(tenant).values_list("sid", flat=True))
    numbers = {
        n.phone_number: n
        for n in PhoneNumber.objects.for_tenant(tenant).filter(status=PhoneNumber.Status.ACTIVE)
    }
    added = 0
    for remote in found:
        number = numbers.get(remote.phone_number)
        if remote.sid in known or number is None:
            continue
        with transaction.atomic():
            sender = WhatsAppSender.objects.create(
                tenant=tenant,
                phone_number=number,
                sid=remote.sid,
                waba_id=remote.waba_id,
                display_name=remote.profile.get("name") or number.phone_number,
                raw_status=remote.status,
                status=SenderStatus.CREATING,
            )
            apply_found(sender, remote)
        added += 1
    return added
