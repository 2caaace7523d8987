"""A broadcast's lifecycle: draft → scheduled → sending ⇄ paused → completed | cancelled.

Every move is one conditional UPDATE from a status `TRANSITIONS` allows, so two clicks or
two workers can't both make it; the winner records a `BroadcastTransition`, an audit row
and a `broadcast.status` tenant-webhook event in the same transaction. Starting to send
materialises the recipients and enqueues the dispatcher on commit.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from broadcasts import enqueue
from broadcasts.models import (
    TRANSITIONS,
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    BroadcastTransition,
    PauseReason,
    RecipientStatus,
)
from broadcasts.services.checks import check_launchable
from broadcasts.services.common import BroadcastConflict, LaunchRefused
from broadcasts.services.materialise import materialise
from tenants.services import Actor, record_audit
from webhooks.models import EventType
from webhooks.services import emit_event

logger = logging.getLogger(__name__)


def _status_words(status: str) -> str:
    return BroadcastStatus(status).label.lower()


def _moved_fields(to_status: str, reason: str, detail: str, now) -> dict[str, Any]:
    changes: dict[str, Any] = {"status": to_status, "updated_at": now}
    if to_status == BroadcastStatus.PAUSED:
        changes.update(pause_reason=reason or PauseReason.MANUAL, pause_detail=detail[:500])
    else:
        changes.update(pause_reason="", pause_detail="")
    if to_status == BroadcastStatus.SENDING:
        # The first start; a resume keeps it.
        changes["launched_at"] = Coalesce(F("launched_at"), Value(now))
    if to_status == BroadcastStatus.COMPLETED:
        changes["completed_at"] = now
    if to_status == BroadcastStatus.CANCELLED:
        changes["cancelled_at"] = now
    return changes


def event_data(broadcast: Broadcast, from_status: str, reason: str, detail: str) -> dict:
    """The `broadcast.status` webhook event's data: the move and the counters at that time."""
    return {
        "id": str(broadcast.pk),
        "name": broadcast.name,
        "channel": broadcast.channel,
        "purpose": broadcast.purpose,
        "from_status": from_status,
        "status": broadcast.status,
        "reason": reason or None,
        "detail": detail or None,
        "total": broadcast.total,
        "pending": broadcast.pending,
        "sent": broadcast.sent,
        "delivered": broadcast.delivered,
        "failed": broadcast.failed,
        "opted_out": broadcast.opted_out,
        "skipped": broadcast.skipped,
    }


def transition(
    broadcast_id: Any,
    to_status: str,
    *,
    actor: Actor,
    reason: str = "",
    detail: str = "",
    only_from: Iterable[str] | None = None,
) -> bool:
    """Move the broadcast to `to_status` if its current status allows it (and is one of
    `only_from`, when given); False when it doesn't, or someone else moved it first.
    Records the move everywhere it is told."""
    allowed_from = [s for s, targets in TRANSITIONS.items() if to_status in targets]
    if only_from is not None:
        allowed_from = [s for s in allowed_from if s in set(only_from)]
    with transaction.atomic():
        current = Broadcast.objects.filter(pk=broadcast_id).values_list("status", flat=True)
        from_status = current.first()
        if from_status not in allowed_from:
            return False
        now = timezone.now()
        changes = _moved_fields(to_status, reason, detail, now)
        moved = Broadcast.objects.filter(pk=broadcast_id, status=from_status).update(**changes)
        if not moved:
            return False
        _record(broadcast_id, from_status, to_status, actor, reason, detail, now)
    return True


def _record(broadcast_id, from_status, to_status, actor, reason, detail, now) -> None:
    broadcast = Broadcast.objects.select_related("tenant").get(pk=broadcast_id)
    BroadcastTransition.objects.create(
        tenant_id=broadcast.tenant_id,
        broadcast=broadcast,
        from_status=from_status,
        to_status=to_status,
        reason=reason[:16],
        detail=detail[:500],
        actor_label=actor.label[:200],
        created_at=now,
    )
    record_audit(
        tenant=broadcast.tenant,
        actor=actor,
        action=f"broadcast.{to_status}",
        target=broadcast,
        changes={
            "status": [from_status, to_status],
            **({"reason": reason} if reason else {}),
            **({"detail": detail} if detail else {}),
        },
    )
    emit_event(
        tenant_id=broadcast.tenant_id,
        event_type=EventType.BROADCAST_STATUS,
        data=event_data(broadcast, from_status, reason, detail),
    )
    logger.info("broadcast %s %s -> %s (%s)", broadcast_id, from_status, to_status, actor.label)


# --- the actions -------------------------------------------------------------------------


def _conflict(broadcast: Broadcast, verb: str) -> BroadcastConflict:
    broadcast.refresh_from_db(fields=["status"])
    return BroadcastConflict(f"A {_status_words(broadcast.status)} broadcast can't be {verb}.")


def _start(broadcast: Broadcast, actor: Actor) -> bool:
    """Draft or due scheduled → sending: materialise the recipients and wake the dispatcher,
    all or nothing. The losing click of two moves nothing and inserts nothing."""
    with transaction.atomic():
        started = transition(
            broadcast.pk,
            BroadcastStatus.SENDING,
            actor=actor,
            only_from=[BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED],
        )
        if not started:
            return False
        materialise(broadcast)
        enqueue.dispatch(broadcast.pk)
    return True


def broadcast_launch(broadcast: Broadcast, actor: Actor) -> Broadcast:
    """Send the broadcast now, or schedule it when its `scheduled_at` is in the future.
    Idempotent: launching one already scheduled, sending, paused or completed changes
    nothing and answers it as it is."""
    broadcast.refresh_from_db()
    now = timezone.now()
    if broadcast.status == BroadcastStatus.CANCELLED:
        raise BroadcastConflict("A cancelled broadcast can't be sent.")
    due = broadcast.scheduled_at is None or broadcast.scheduled_at <= now
    if broadcast.status == BroadcastStatus.DRAFT or (
        broadcast.status == BroadcastStatus.SCHEDULED and due
    ):
        check_launchable(broadcast)
        if due:
            _start(broadcast, actor)
        else:
            transition(
                broadcast.pk,
                BroadcastStatus.SCHEDULED,
                actor=actor,
                only_from=[BroadcastStatus.DRAFT],
            )
    broadcast.refresh_from_db()
    return broadcast


def broadcast_unschedule(broadcast: Broadcast, actor: Actor) -> Broadcast:
    """A scheduled broadcast back to draft (to edit it, or to hold it)."""
    moved = transition(
        broadcast.pk,
        BroadcastStatus.DRAFT,
        actor=actor,
        only_from=[BroadcastStatus.SCHEDULED],
    )
    if not moved:
        raise _conflict(broadcast, "put back to draft")
    broadcast.refresh_from_db()
    return broadcast


def broadcast_pause(
    broadcast: Broadcast, actor: Actor, reason: str = PauseReason.MANUAL, detail: str = ""
) -> Broadcast:
    """Stop handing out recipients; the dispatcher stops after its current batch."""
    moved = transition(
        broadcast.pk, BroadcastStatus.PAUSED, actor=actor, reason=reason, detail=detail
    )
    if not moved:
        raise _conflict(broadcast, "paused")
    broadcast.refresh_from_db()
    return broadcast


def broadcast_resume(broadcast: Broadcast, actor: Actor) -> Broadcast:
    """Continue a paused broadcast from where it stopped (its pending recipients)."""
    with transaction.atomic():
        moved = transition(
            broadcast.pk,
            BroadcastStatus.SENDING,
            actor=actor,
            only_from=[BroadcastStatus.PAUSED],
        )
        if not moved:
            raise _conflict(broadcast, "resumed")
        enqueue.dispatch(broadcast.pk)
    broadcast.refresh_from_db()
    return broadcast


def broadcast_cancel(
    broadcast: Broadcast, actor: Actor, reason: str = "", detail: str = ""
) -> Broadcast:
    """Stop the broadcast for good: its recipients still waiting are cancelled (messages
    already handed to messaging go on)."""
    with transaction.atomic():
        moved = transition(
            broadcast.pk, BroadcastStatus.CANCELLED, actor=actor, reason=reason, detail=detail
        )
        if not moved:
            raise _conflict(broadcast, "cancelled")
        cancelled = BroadcastRecipient.objects.filter(
            broadcast_id=broadcast.pk, status=RecipientStatus.PENDING
        ).update(status=RecipientStatus.CANCELLED)
        Broadcast.objects.filter(pk=broadcast.pk).update(
            pending=Greatest(F("pending") - cancelled, Value(0)), deferred=0
        )
    broadcast.refresh_from_db()
    return broadcast


def broadcast_complete(broadcast_id: Any) -> bool:
    """Sending → completed once no recipient waits (the dispatcher calls it); False when
    some still wait or the broadcast isn't sending."""
    waiting = BroadcastRecipient.objects.filter(
        broadcast_id=broadcast_id, status=RecipientStatus.PENDING
    )
    if waiting.exists():
        return False
    return transition(
        broadcast_id,
        BroadcastStatus.COMPLETED,
        actor=Actor.system(),
        only_from=[BroadcastStatus.SENDING],
    )


def due_broadcast_ids(now: datetime | None = None) -> list[Any]:
    """Scheduled broadcasts whose time has come."""
    return list(
        Broadcast.objects.filter(
            status=BroadcastStatus.SCHEDULED, scheduled_at__lte=now or timezone.now()
        )
        .order_by("scheduled_at")
        .values_list("pk", flat=True)[:500]
    )


def broadcast_start_due(now: datetime | None = None) -> int:
    """Start every scheduled broadcast that is due (a periodic job calls this); how many
    started. One that can no longer be launched (its template was paused, say) goes back
    to draft with the reason."""
    started = 0
    for broadcast_id in due_broadcast_ids(now):
        broadcast = Broadcast.objects.get(pk=broadcast_id)
        try:
            check_launchable(broadcast)
        except LaunchRefused as err:
            transition(
                broadcast_id,
                BroadcastStatus.DRAFT,
                actor=Actor.system(),
                reason="refused",
                detail=str(err),
                only_from=[BroadcastStatus.SCHEDULED],
            )
            continue
        started += _start(broadcast, Actor.system())
    return started
