"""Celery tasks of the ramp-up: the daily review of every ramping quota, one task each."""

import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError

from billing import periods
from billing.services.ramp import ramp_review, ramps_to_review
from isvplatform.locks import single_run
from provisioning.tasks import MAX_RETRIES, backoff

logger = logging.getLogger(__name__)
REVIEW_RAMP = "billing.review_ramp"


@shared_task(bind=True, name=REVIEW_RAMP, max_retries=MAX_RETRIES)
def review_ramp_task(self, tenant_id: int, channel: str, day: str) -> str:
    """One quota's review of `day` (idempotent: a day is reviewed once)."""
    try:
        step = ramp_review(tenant_id, dt.date.fromisoformat(day), channel=channel)
    except DatabaseError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    if step is None:
        return "skipped"
    return "held" if step.reason else f"level {step.to_level}"


@shared_task(name="billing.review_ramps")
def review_ramps_task() -> int:
    """Beat, shortly after midnight UTC: review yesterday for every quota on the ramp."""
    with single_run("billing:cron:review_ramps", 3600) as acquired:
        if not acquired:
            return 0
        yesterday = (periods.today() - dt.timedelta(days=1)).isoformat()
        ramps = ramps_to_review()
        for tenant_id, channel in ramps:
            review_ramp_task.delay(tenant_id, channel, yesterday)
    logger.info("ramp review of %s queued for %d quota(s)", yesterday, len(ramps))
    return len(ramps)
