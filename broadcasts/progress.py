"""A broadcast's progress as one snapshot: what `/status` answers, what each server-sent
event carries and what the portal's progress bar shows. Read from the counters on the row
(and the few failure-reason rows), never by counting recipients."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from broadcasts.models import Broadcast


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def percent_done(broadcast: Broadcast) -> float:
    """The share of recipients handled: sent, or left out at launch."""
    return _percent(broadcast.sent + broadcast.opted_out + broadcast.skipped, broadcast.total)


def awaiting_reports(broadcast: Broadcast) -> int:
    """Messages handed over whose delivery report (delivered or failed) has not come yet."""
    return max(broadcast.sent - broadcast.delivered - broadcast.failed, 0)


def is_settled(broadcast: Broadcast) -> bool:
    """Final with nothing more to show: a broadcast completes once its last recipient is
    handed over, and the delivery reports come after; they are awaited for
    `BROADCAST_REPORTS_WAIT_SECONDS` at most."""
    if not broadcast.is_final:
        return False
    if not awaiting_reports(broadcast):
        return True
    ended = broadcast.completed_at or broadcast.cancelled_at or broadcast.updated_at
    wait = dt.timedelta(seconds=settings.BROADCAST_REPORTS_WAIT_SECONDS)
    return timezone.now() - ended >= wait


def progress_data(broadcast: Broadcast) -> dict[str, Any]:
    """The snapshot of `broadcast` (fetch it fresh: the counters move under you)."""
    failures = [
        {"error_code": f.error_code, "count": f.count}
        for f in broadcast.failures.all().order_by("-count", "error_code")
    ]
    return {
        "id": str(broadcast.pk),
        "status": broadcast.status,
        "settled": is_settled(broadcast),
        "pause_reason": broadcast.pause_reason or None,
        "pause_detail": broadcast.pause_detail or None,
        "total": broadcast.total,
        "pending": broadcast.pending,
        "deferred": broadcast.deferred,
        "sent": broadcast.sent,
        "delivered": broadcast.delivered,
        "failed": broadcast.failed,
        "filtered": broadcast.filtered,
        "opted_out": broadcast.opted_out,
        "replies_opted_out": broadcast.replies_opted_out,
        "skipped": broadcast.skipped,
        "failed_by_reason": failures,
        "percent_done": percent_done(broadcast),
        "percent_delivered": _percent(broadcast.delivered, broadcast.sent),
        "launched_at": broadcast.launched_at.isoformat() if broadcast.launched_at else None,
        "completed_at": broadcast.completed_at.isoformat() if broadcast.completed_at else None,
        "updated_at": broadcast.updated_at.isoformat(),
    }
