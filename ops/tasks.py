from celery import shared_task

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
