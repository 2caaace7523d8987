"""Celery tasks of broadcasts: thin, by id, idempotent; the dispatcher does the work."""

import logging

from celery import shared_task

from broadcasts import dispatcher
from broadcasts.services.lifecycle import broadcast_start_due
from isvplatform.locks import single_run

logger = logging.getLogger(__name__)

DISPATCH = "broadcasts.dispatch"


@shared_task(name=DISPATCH, acks_late=True)
def dispatch_broadcast_task(broadcast_id: str) -> str:
    """One batch; then the next run is enqueued (its lease released first). A run lost on
    the way (a killed worker, a restarted broker) is re-kicked by `broadcasts.tick`."""
    result = dispatcher.broadcast_dispatch(broadcast_id)
    if result.next_in is not None:
        dispatch_broadcast_task.apply_async((broadcast_id,), countdown=result.next_in)
    return result.outcome


@shared_task(name="broadcasts.tick")
def tick_task() -> int:
    """Start due scheduled broadcasts, wake deferred recipients whose window opened and
    re-kick sending broadcasts that nobody runs."""
    with single_run("broadcasts:cron:tick", 60) as acquired:
        if not acquired:
            return 0
        started = broadcast_start_due()
        kicked = set(dispatcher.wake_all_deferred()) | set(dispatcher.sending_to_rekick())
        for broadcast_id in kicked:
            dispatch_broadcast_task.delay(str(broadcast_id))
    if kicked:
        logger.info("broadcasts tick: %d started, %d kicked", started, len(kicked))
    return started + len(kicked)
