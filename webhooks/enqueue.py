"""Queueing webhook deliveries by task name, once the surrounding transaction commits.

The services enqueue here instead of importing `webhooks.tasks`, which imports the services:
the task is looked up in Celery's registry by its name (`apps.py` registers the tasks when
Django starts), so eager mode (tests) still runs it in place, as `.delay()` does.
"""

from django.db import transaction

from isvplatform.celery import app

DELIVER = "webhooks.deliver"


def _deliver(delivery_ids: list[str]) -> None:
    task = app.tasks[DELIVER]
    for delivery_id in delivery_ids:
        task.delay(delivery_id)


def deliveries(delivery_ids: list[str]) -> None:
    """One delivery task per id, after the commit that wrote the deliveries."""
    ids = [str(delivery_id) for delivery_id in delivery_ids]
    transaction.on_commit(lambda: _deliver(ids))
