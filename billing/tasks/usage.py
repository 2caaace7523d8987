"""Celery tasks of the usage sync and spend anomalies: thin, by id, idempotent.

The beat jobs fan out one `billing.sync_tenant_usage` per tenant: hourly for today, daily
for the last closed days (Twilio settles late usage), the daily one then judging
yesterday's spend once the syncs have had time to land.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from billing import enqueue, periods
from billing.services import anomalies, usage_sync
from isvplatform import gateway
from isvplatform.locks import single_run
from provisioning.tasks import MAX_RETRIES, backoff
from tenants.models import Tenant

logger = logging.getLogger(__name__)

FAN_OUT_LOCK_SECONDS = 300
# How long after the closed-days fan-out yesterday's anomalies are judged (its syncs run first).
ANOMALY_DELAY_SECONDS = 1800


def _fan_out(start: dt.date, end: dt.date) -> int:
    tenant_ids = usage_sync.tenants_to_sync()
    for tenant_id in tenant_ids:
        enqueue.sync_tenant_usage(tenant_id, start, end)
    return len(tenant_ids)


@shared_task(name="billing.sync_usage_today")
def sync_usage_today_task() -> int | None:
    """Periodic (hourly): every tenant's usage of today, one task each."""
    with single_run("billing:cron:sync-usage-today", FAN_OUT_LOCK_SECONDS) as acquired:
        if not acquired:
            return None
        today = periods.today()
        return _fan_out(today, today)


@shared_task(name="billing.sync_usage_closed_days")
def sync_usage_closed_days_task() -> int | None:
    """Periodic (daily): every tenant's last `BILLING_USAGE_CLOSED_DAYS` closed days, then
    yesterday's spend anomalies."""
    with single_run("billing:cron:sync-usage-closed", FAN_OUT_LOCK_SECONDS) as acquired:
        if not acquired:
            return None
        yesterday = periods.today() - dt.timedelta(days=1)
        start = yesterday - dt.timedelta(days=max(settings.BILLING_USAGE_CLOSED_DAYS, 1) - 1)
        count = _fan_out(start, yesterday)
        detect_anomalies_task.apply_async(
            args=[yesterday.isoformat()], countdown=ANOMALY_DELAY_SECONDS
        )
        return count


@shared_task(bind=True, name="billing.sync_tenant_usage", max_retries=MAX_RETRIES)
def sync_tenant_usage_task(self, tenant_id: int, start: str, end: str) -> dict | None:
    """Read one tenant's usage of [start, end] from Twilio (idempotent; Twilio trouble is
    retried with backoff, a refusal is logged and given up)."""
    if not Tenant.objects.filter(pk=tenant_id).exists():
        return None
    try:
        result = usage_sync.usage_sync(
            tenant_id, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
        )
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except gateway.GatewayError as err:
        logger.warning("usage sync of tenant %s refused by Twilio: %s", tenant_id, err)
        return None
    return vars(result)


@shared_task(name="billing.detect_anomalies")
def detect_anomalies_task(day: str) -> int:
    """Flag the day's spend anomalies (each alerted once); how many are new."""
    return len(anomalies.detect_anomalies(dt.date.fromisoformat(day)))


@shared_task(bind=True, name="billing.notify_anomaly", max_retries=MAX_RETRIES)
def notify_anomaly_task(self, anomaly_id: int) -> bool:
    """Email staff about an anomaly, once (an alerted one is skipped)."""
    try:
        return anomalies.anomaly_notify(anomaly_id)
    except OSError as err:  # the mail server is unreachable: try again later
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
