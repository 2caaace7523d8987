"""Celery tasks of the privacy jobs: thin, by id, idempotent (the services claim the row,
so a duplicate task is a no-op). The beat sweep re-queues what a dead worker left."""

from celery import shared_task
from django.db import OperationalError

from isvplatform.locks import single_run
from privacy.services import (
    erasure_run,
    erasures_due,
    erasures_scrub_late_events,
    export_run,
    exports_due,
    exports_expire,
)

RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 30,
    "retry_backoff_max": 900,
    "max_retries": 5,
}


@shared_task(name="privacy.erase", **RETRY)
def erase_task(request_id: str) -> bool:
    return erasure_run(request_id)


@shared_task(name="privacy.export", **RETRY)
def export_task(export_id: str) -> bool:
    return export_run(export_id)


@shared_task(name="privacy.sweep")
def sweep_task() -> int:
    """Beat: queue open erasures and exports nobody holds, delete expired export files and
    the late callbacks of erased messages."""
    with single_run("privacy:sweep", 240) as acquired:
        if not acquired:
            return 0
        due_erasures, due_exports = erasures_due(), exports_due()
        for request_id in due_erasures:
            erase_task.delay(request_id)
        for export_id in due_exports:
            export_task.delay(export_id)
        late = erasures_scrub_late_events()
        return len(due_erasures) + len(due_exports) + exports_expire() + late
