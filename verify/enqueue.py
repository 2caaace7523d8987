"""Queueing verify's Celery tasks by name, once the surrounding transaction commits (the
services enqueue here instead of importing `verify.tasks`, which imports the services)."""

import uuid

from django.db import transaction

from isvplatform.celery import app

SYNC_SERVICE = "verify.sync_service"


def sync_service(service_id: uuid.UUID | str) -> None:
    """Create (or adopt) the tenant's Verify service at Twilio and push its settings."""
    transaction.on_commit(lambda: app.tasks[SYNC_SERVICE].delay(str(service_id)))
