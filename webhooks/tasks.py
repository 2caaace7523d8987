"""Delivery of tenant webhooks: one attempt per run, retried by Celery with backoff; a beat
job re-enqueues deliveries whose retry was lost (worker restart, broker loss)."""

from celery import shared_task

from webhooks.services import delivery_attempt, due_delivery_ids

# A day of retries doubling from 30 s to an hour is about 30 attempts; the service stops
# earlier when the day is over, this only bounds a misconfiguration.
MAX_DELIVERY_RETRIES = 60


@shared_task(bind=True, name="webhooks.deliver", max_retries=MAX_DELIVERY_RETRIES)
def deliver_webhook_task(self, delivery_id: str) -> str | None:
    outcome = delivery_attempt(delivery_id)
    if outcome is None:
        return None
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(name="webhooks.retry_due")
def retry_due_deliveries_task() -> int:
    ids = due_delivery_ids()
    for delivery_id in ids:
        deliver_webhook_task.delay(delivery_id)
    return len(ids)
