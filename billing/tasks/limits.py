"""Celery tasks of spending limits: thin, by id, idempotent; the services do the work."""

import logging
import smtplib

from celery import shared_task

from billing.enqueue import NOTIFY_LIMIT_EVENT, SYNC_LIMIT
from billing.services import limit_events, limits
from billing.services.limit_sync import LimitSyncError
from isvplatform import gateway
from isvplatform.locks import single_run
from provisioning.accounts import NoTwilioAccount
from provisioning.tasks import MAX_RETRIES, backoff

logger = logging.getLogger(__name__)

CHECK_LOCK = "billing:check-limits"


@shared_task(bind=True, name=SYNC_LIMIT, max_retries=MAX_RETRIES)
def sync_limit_task(self, limit_id: int) -> str:
    """Make the limit's Usage Triggers at Twilio match it (or remove them with the limit)."""
    try:
        return limits.limit_sync(limit_id)
    except (gateway.RetryableGatewayError, NoTwilioAccount) as err:
        if self.request.retries >= self.max_retries:
            return "failed"
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except (gateway.GatewayError, LimitSyncError) as err:
        logger.warning("limit %s could not be synced: %s", limit_id, err)
        return "failed"


@shared_task(name="billing.check_limits")
def check_limits_task() -> int | None:
    """Periodic: crossings a lost callback never reported, and limits left unsynced."""
    with single_run(CHECK_LOCK, 600) as acquired:
        if not acquired:
            return None
        return limits.limits_check()


@shared_task(bind=True, name=NOTIFY_LIMIT_EVENT, max_retries=MAX_RETRIES)
def notify_limit_event_task(self, event_id: int) -> int:
    """Email a limit's 80% or 100% to the tenant's owners and staff (once)."""
    try:
        return limit_events.limit_event_notify(event_id)
    except (smtplib.SMTPException, OSError) as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
