"""Queueing verify's Celery tasks by name, once the surrounding transaction commits.

Services enqueue here instead of importing the task modules (which import them): the task
is looked up in Celery's registry by name (`apps.py` registers the tasks when Django starts),
so eager mode (tests) still runs it in place, as `.delay()` does.
"""

import uuid

from django.db import transaction

from isvplatform.enqueue import publish

SYNC_SERVICE = "verify.sync_service"
ROLLUP_RECOMPUTE = "verify.rollup_recompute"
SYNC_USAGE = "verify.sync_usage"


def sync_service(service_id: uuid.UUID | str) -> None:
    """Create (or adopt) the tenant's Verify service at Twilio and push its settings."""
    transaction.on_commit(lambda: publish(SYNC_SERVICE, str(service_id)))


def recompute_rollup(tenant_id: int, day: str) -> None:
    """After the commit, recount one tenant's day of attempts (`day` in ISO format)."""
    transaction.on_commit(lambda: publish(ROLLUP_RECOMPUTE, tenant_id, day))


def sync_usage(tenant_id: int) -> None:
    """After the commit, read the tenant's recent Verify usage records from Twilio."""
    transaction.on_commit(lambda: publish(SYNC_USAGE, tenant_id))
