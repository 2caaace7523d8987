"""Queueing the broadcast dispatcher by name, once the surrounding transaction commits.

Services enqueue here instead of importing the dispatcher's task module (which imports the
services). The task is looked up in Celery's registry by name, so eager mode (tests) runs it
in place as `.delay()` does; before the task is registered in this process the message is
sent by name to the broker, where a worker that knows it picks it up.
"""

from django.db import transaction

from isvplatform.celery import app

DISPATCH = "broadcasts.dispatch"


def _delay(name: str, *args: str) -> None:
    task = app.tasks.get(name)
    if task is None:
        app.send_task(name, args=list(args))
    else:
        task.delay(*args)


def dispatch(broadcast_id: str) -> None:
    """Start (or continue) handing the broadcast's pending recipients to messaging."""
    broadcast_id = str(broadcast_id)
    transaction.on_commit(lambda: _delay(DISPATCH, broadcast_id))
