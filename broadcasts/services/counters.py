"""The counters a broadcast's messages move after they left: delivered and failed (by error
code, carrier filtering apart) from status callbacks, and the recipients who opted out
(STOP) while it ran. Each message counts once: a conditional UPDATE on its recipient row
takes the first final status only, so a repeated, late or out-of-order callback moves
nothing. After each move the safety thresholds are checked (`safety`).

messaging can't import broadcasts, so it tells through its signals (`messaging.signals`),
connected in `BroadcastsConfig.ready`.
"""

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from broadcasts.models import (
    Broadcast,
    BroadcastFailure,
    BroadcastRecipient,
    BroadcastStatus,
    RecipientOutcome,
    RecipientStatus,
)
from broadcasts.services.safety import check_thresholds
from messaging.models import Status

logger = logging.getLogger(__name__)

# Carrier filtering: the message was blocked as spam or as unregistered traffic, not lost.
# 30007 filtered (content or reputation), 30023 filtered after T-Mobile's daily cap,
# 30032 toll-free number not verified, 30034 unregistered 10DLC number.
FILTERING_CODES = frozenset({30007, 30023, 30032, 30034})
# An opened email, or one marked as spam, reached its inbox (its delivery event may come
# later: the ESP doesn't order them).
DELIVERED_STATUSES = frozenset({Status.DELIVERED, Status.READ, Status.OPENED, Status.COMPLAINED})
RUNNING = (BroadcastStatus.SENDING, BroadcastStatus.PAUSED)


def failure_code(status: str, error_code: int | None) -> str:
    """What a failure is counted under: Twilio's code, else the status itself."""
    return str(error_code) if error_code else status


def _count_failure(broadcast: Broadcast, code: str) -> None:
    rows = BroadcastFailure.objects.filter(broadcast_id=broadcast.pk, error_code=code)
    if rows.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            BroadcastFailure.objects.create(
                tenant_id=broadcast.tenant_id, broadcast=broadcast, error_code=code, count=1
            )
    except IntegrityError:
        rows.update(count=F("count") + 1)


def message_final(*, message_id: str, status: str, error_code: int | None = None, **_: Any) -> bool:
    """Count a broadcast message's final status; False when it was counted before (or the
    message is no broadcast's)."""
    outcome = (
        RecipientOutcome.DELIVERED if status in DELIVERED_STATUSES else RecipientOutcome.FAILED
    )
    with transaction.atomic():
        recipient = (
            BroadcastRecipient.objects.filter(message_id=message_id, outcome="")
            .select_related("broadcast")
            .first()
        )
        if recipient is None:
            return False
        taken = BroadcastRecipient.objects.filter(pk=recipient.pk, outcome="").update(
            outcome=outcome
        )
        if not taken:
            return False
        broadcast = recipient.broadcast
        changes: dict[str, Any] = {"updated_at": timezone.now()}
        if outcome == RecipientOutcome.DELIVERED:
            changes["delivered"] = F("delivered") + 1
        else:
            changes["failed"] = F("failed") + 1
            if error_code in FILTERING_CODES:
                changes["filtered"] = F("filtered") + 1
            _count_failure(broadcast, failure_code(status, error_code))
        Broadcast.objects.filter(pk=broadcast.pk).update(**changes)
        check_thresholds(broadcast.pk)
    return True


def number_opted_out(*, tenant_id: int, number: str, channel: str, **_: Any) -> int:
    """A STOP from someone a running broadcast messaged: count it once per broadcast (the
    dispatcher skips recipients not yet messaged on its own). How many broadcasts counted."""
    running = list(
        Broadcast.objects.for_tenant(tenant_id)
        .filter(status__in=RUNNING, channel=channel)
        .values_list("pk", flat=True)
    )
    counted = 0
    for broadcast_id in running:
        marked = BroadcastRecipient.objects.filter(
            broadcast_id=broadcast_id,
            address=number,
            status=RecipientStatus.QUEUED,
            opted_out_at__isnull=True,
        ).update(opted_out_at=timezone.now())
        if marked:
            Broadcast.objects.filter(pk=broadcast_id).update(
                replies_opted_out=F("replies_opted_out") + marked, updated_at=timezone.now()
            )
            check_thresholds(broadcast_id)
            counted += 1
    return counted
