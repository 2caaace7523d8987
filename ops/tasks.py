from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from isvplatform import partitions
from isvplatform.locks import single_run
from ops import services

# Longer than an evaluation can take; a crashed run's lock expires by itself.
LOCK_SECONDS = 300


@shared_task(name="ops.evaluate_alerts")
def evaluate_alerts_task() -> dict:
    """Scheduled by beat every minute (`OPS_EVALUATE_SECONDS`); an overlapping run skips.
    Not retried: the next run is a minute away and evaluates everything afresh."""
    with single_run("ops:evaluate-alerts", LOCK_SECONDS) as acquired:
        if not acquired:
            return {"skipped": True}
        result = services.evaluate_all()
    return {
        "opened": result.opened,
        "resolved": result.resolved,
        "open": result.opened + result.refreshed,
        "failed": result.failed,
    }


@shared_task(
    name="ops.ensure_partitions",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=5,
)
def ensure_partitions_task() -> list[str]:
    """Beat, daily: the monthly partitions of this month and the next
    `OPS_PARTITION_MONTHS_AHEAD` (idempotent; nothing on SQLite). A lock timeout (the table
    busy under a long transaction) is an OperationalError: retried later, with backoff."""
    return partitions.ensure_partitions(settings.OPS_PARTITION_MONTHS_AHEAD)
