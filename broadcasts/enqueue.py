"""Queueing the broadcast dispatcher by name, once the surrounding transaction commits.

Services enqueue here instead of importing the dispatcher's task module (which imports the
services). The task is looked up in Celery's registry by name, so eager mode (tests) runs it
in place as `.delay()` does; before the task is registered in this process the message is
sent by name to the broker, where a worker that knows it picks it up.
"""

from django.db import transaction

from isvplatform.enqueue import publish

DISPATCH = "broadcasts.dispatch"


def dispatch(broadcast_id: str) -> None:
    """Start (or continue) handing the broadcast's pending recipients to messaging."""
    broadcast_id = str(broadcast_id)
    transaction.on_commit(lambda: publish(DISPATCH, broadcast_id))
