"""Celery tasks of verify's analytics: thin, by id, idempotent; `verify.rollups` does the work."""

import datetime as dt

from celery import shared_task
from django.db import DatabaseError

from verify.rollups import rollup_recompute, rollups_mark_recent


@shared_task(bind=True, name="verify.rollup_recompute", max_retries=5, acks_late=True)
def rollup_recompute_task(self, tenant_id: int, day: str) -> int:
    try:
        return rollup_recompute(tenant_id=tenant_id, day=dt.date.fromisoformat(day))
    except DatabaseError as err:  # a deadlock or lost connection: the recount is safe to redo
        raise self.retry(countdown=5 * 2**self.request.retries, exc=err)


@shared_task(name="verify.rollups_recent")
def rollups_recent_task() -> int:
    return rollups_mark_recent()
