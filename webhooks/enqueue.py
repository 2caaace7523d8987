"""Queueing webhook deliveries by task name, once the surrounding transaction commits.

The services enqueue here instead of importing `webhooks.tasks`, which imports the services:
the task is looked up in Celery's registry by its name (`apps.py` registers the tasks when
Django starts), so eager mode (tests) still runs it in place, as `.delay()` does.
"""

from django.db import transaction

from isvplatform.enqueue import publish

DELIVER = "webhooks.deliver"


def _deliver(delivery_ids: list[str]) -> None:
    for delivery_id in delivery_ids:
        if not publish(DELIVER, delivery_id):
            return  # the broker is down: `webhooks.retry_due` picks up the rest


def deliveries(delivery_ids: list[str]) -> None:
    """One delivery task per id, after the commit that wrote the deliveries."""
    ids = [str(delivery_id) for delivery_id in delivery_ids]
    transaction.on_commit(lambda: _deliver(ids))
