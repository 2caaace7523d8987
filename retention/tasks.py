"""Celery tasks of the retention jobs: thin, by id, idempotent; `retention.purge` does the
work. The daily beat job fans out one task per tenant, under a lock so two beats (or a
slow day) never run it twice at once."""

import logging

from celery import shared_task
from django.db import OperationalError

from isvplatform.locks import single_run
from retention.purge import apply_retention, purge_orphan_message_events
from tenants.models import Tenant

logger = logging.getLogger(__name__)

LOCK_SECONDS = 6 * 3600
RETRY = {
    "acks_late": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 30,
    "retry_backoff_max": 1800,
    "max_retries": 5,
}


@shared_task(name="retention.run_all")
def run_all_task() -> int:
    """Beat, daily: every tenant's policy, then the callbacks of no tenant."""
    with single_run("retention:cron:daily", LOCK_SECONDS) as acquired:
        if not acquired:
            return 0
        tenant_ids = list(Tenant.objects.order_by("pk").values_list("pk", flat=True))
        for tenant_id in tenant_ids:
            apply_tenant_task.delay(tenant_id)
        purge_orphans_task.delay()
    return len(tenant_ids)


@shared_task(name="retention.apply_tenant", **RETRY)
def apply_tenant_task(tenant_id: int) -> int:
    """Apply one tenant's policy (a rerun finds nothing left to do)."""
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None:
        return 0
    with single_run(f"retention:tenant:{tenant_id}", LOCK_SECONDS) as acquired:
        if not acquired:
            return 0
        result = apply_retention(tenant)
    if result.total:
        logger.info("retention for tenant %s: %s", tenant_id, result)
    return result.total


@shared_task(name="retention.purge_orphans", **RETRY)
def purge_orphans_task() -> int:
    with single_run("retention:orphans", LOCK_SECONDS) as acquired:
        if not acquired:
            return 0
        return purge_orphan_message_events()
