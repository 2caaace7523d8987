"""Publishing a Celery task by name, the one way every app's `enqueue` module does it.

Every enqueue runs after the commit of the rows its task works on (`transaction.on_commit`).
If the broker is down at that moment, raising would answer the request with a 500 although
its work is stored, and keep the commit's later callbacks from running. So a publish the
broker refuses is logged, counted (`isvplatform.failopen`) and left to the beat job that
sweeps for such rows: `messaging.sweep_outbox` for queued messages, `webhooks.retry_due` for
deliveries, `broadcasts.tick` for broadcasts, and the other apps' `*_due` polls.

The task is looked up in Celery's registry by name, so eager mode (tests) still runs it in
place, as `.delay()` does, and its errors still propagate; a task not registered in this
process is sent by name to the broker, where a worker that knows it picks it up.
"""

from typing import Any

from django.db import transaction
from kombu.exceptions import OperationalError

from isvplatform.celery import app
from isvplatform.failopen import record_failopen


def publish(name: str, *args: Any) -> bool:
    """Queue task `name` with `args` now; False (logged, counted) when the broker is down."""
    task = app.tasks.get(name)
    try:
        if task is None:
            app.send_task(name, args=list(args))
        else:
            task.delay(*args)
    except OperationalError as err:
        record_failopen("broker", err, f"{name} not queued, left to its sweeper")
        return False
    return True


def publish_after_commit(name: str, *args: Any) -> None:
    """Queue task `name` once the surrounding transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(name, *args))
