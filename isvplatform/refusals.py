"""A refused provider callback (bad signature, wrong basic auth) is counted twice: in the
process's Prometheus counter and in the shared per-minute tally (`CallbackRefusal`) that the
staff alert reads. A tally that can't be written (the database away) is logged, never a 500:
the caller answers its refusal either way."""

import logging
from datetime import datetime, timedelta

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from isvplatform import metrics
from isvplatform.models import CallbackRefusal

logger = logging.getLogger(__name__)


def _bump(minute: datetime, endpoint: str, reason: str) -> None:
    bucket = CallbackRefusal.objects.filter(minute=minute, endpoint=endpoint, reason=reason)
    if bucket.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            CallbackRefusal.objects.create(minute=minute, endpoint=endpoint, reason=reason, count=1)
    except IntegrityError:
        bucket.update(count=F("count") + 1)  # another process created the minute's row


def record_refusal(endpoint: str, reason: str) -> None:
    """Count one refused callback at `endpoint` for `reason` (both short words)."""
    metrics.count_signature_failure(endpoint, reason)
    minute = timezone.now().replace(second=0, microsecond=0)
    try:
        with transaction.atomic():
            _bump(minute, endpoint[:100], reason[:40])
    except DatabaseError:
        logger.warning("could not tally a refused callback at %s", endpoint, exc_info=True)


def refusals_since(since: datetime) -> dict[str, int]:
    """Refused callbacks per endpoint since `since` (rounded down to its minute)."""
    rows = (
        CallbackRefusal.objects.filter(minute__gte=since.replace(second=0, microsecond=0))
        .values("endpoint")
        .annotate(n=Sum("count"))
        .order_by("endpoint")
    )
    return {row["endpoint"]: row["n"] for row in rows}


def purge_refusals(older_than: timedelta = timedelta(days=7)) -> int:
    """Drop tallies nobody reads any more (the alert's window is minutes)."""
    deleted, _ = CallbackRefusal.objects.filter(minute__lt=timezone.now() - older_than).delete()
    return deleted
