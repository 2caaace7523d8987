"""Celery tasks of messaging: thin, by id, idempotent; the services do the work."""

import logging

import structlog
from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from isvplatform import gateway
from isvplatform.locks import single_run
from messaging.media import inbound_media_store
from messaging.models import Message
from messaging.prices import PriceNotYet, message_price_record
from messaging.services import (
    SendInDoubt,
    message_dispatch,
    message_fail_after_retries,
    message_settle_unknown,
    messages_to_sweep,
    stale_message_ids,
    unknown_message_ids,
)
from messaging.statuses import apply_fetched
from provisioning.accounts import NoTwilioAccount, tenant_account

logger = logging.getLogger(__name__)


def send_backoff(retries: int) -> float:
    """2, 4, 8 … seconds, never longer than the sweeper's wait (it would re-enqueue first)."""
    return float(min(2 ** (retries + 1), max(settings.MESSAGING_OUTBOX_SWEEP_SECONDS - 5, 1)))


@shared_task(bind=True, name="messaging.send", max_retries=None, acks_late=True)
def send_message_task(self, message_id: str) -> str:
    with structlog.contextvars.bound_contextvars(message_id=message_id):
        try:
            return message_dispatch(message_id).outcome
        except (gateway.RetryableGatewayError, SendInDoubt) as err:
            if self.request.retries >= settings.MESSAGING_SEND_MAX_RETRIES:
                message_fail_after_retries(message_id, err)
                return "gave_up"
            raise self.retry(countdown=send_backoff(self.request.retries), exc=err)


@shared_task(name="messaging.send_many", acks_late=True)
def send_messages_task(message_ids: list[str]) -> int:
    """Fan a stored batch out into one send task per message (each idempotent on its own)."""
    for message_id in message_ids:
        send_message_task.delay(message_id)
    return len(message_ids)


@shared_task(bind=True, name="messaging.fetch_media", max_retries=6, acks_late=True)
def fetch_inbound_media_task(self, message_id: str) -> int:
    try:
        return inbound_media_store(message_id)
    except gateway.RetryableGatewayError as err:
        raise self.retry(countdown=15 * 2**self.request.retries, exc=err)
    except (gateway.GatewayError, NoTwilioAccount) as err:
        logger.warning("media of message %s not stored: %s", message_id, err)
        return 0


@shared_task(bind=True, name="messaging.fetch_price", max_retries=6)
def fetch_message_price_task(self, message_id: str) -> bool:
    try:
        return message_price_record(message_id)
    except (gateway.RetryableGatewayError, PriceNotYet) as err:
        raise self.retry(countdown=30 * 2**self.request.retries, exc=err)
    except (gateway.GatewayError, NoTwilioAccount) as err:
        logger.warning("price of message %s not fetched: %s", message_id, err)
        return False


# A connection that died with the database (a crash, a restart): the same task retried
# soon on a new connection, not left to the next reconcile run (an hour later by default).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@shared_task(bind=True, name="messaging.reconcile", max_retries=3)
def reconcile_message_task(self, message_id: str) -> str:
    try:
        return _reconcile(self, message_id)
    except DATABASE_UNAVAILABLE as err:
        raise self.retry(countdown=5 * 2**self.request.retries, exc=err)


def _reconcile(task, message_id: str) -> str:
    message = Message.objects.select_related("tenant").filter(pk=message_id).first()
    if message is None or not message.sid or message.is_final:
        return "skipped"
    try:
        result = gateway.fetch_message(tenant_account(message.tenant).client(), message.sid)
    except gateway.RetryableGatewayError as err:
        raise task.retry(countdown=60, exc=err)
    except (gateway.GatewayError, NoTwilioAccount) as err:
        logger.warning("reconcile of %s failed: %s", message_id, err)
        Message.objects.filter(pk=message.pk).update(reconciles=message.reconciles + 1)
        return "error"
    outcome = apply_fetched(message, result)
    return "applied" if outcome.applied else "unchanged"


@shared_task(bind=True, name="messaging.settle_unknown", max_retries=3)
def settle_unknown_message_task(self, message_id: str) -> str:
    try:
        return message_settle_unknown(message_id)
    except gateway.RetryableGatewayError as err:
        raise self.retry(countdown=60, exc=err)
    except gateway.GatewayError as err:
        logger.warning("settling unknown message %s failed: %s", message_id, err)
        return "error"


# One sweep re-enqueues batches until one comes back short: after a broker loss of more than
# a batch, the rest would otherwise wait for the next beat (30 s a batch).
SWEEP_BATCH = 500
SWEEP_MAX_BATCHES = 20


def _sweep_batches() -> list[str]:
    ids: list[str] = []
    for _ in range(SWEEP_MAX_BATCHES):
        batch = messages_to_sweep(
            older_than_seconds=settings.MESSAGING_OUTBOX_SWEEP_SECONDS, limit=SWEEP_BATCH
        )
        again = set(batch) & set(ids)  # only with an age of 0: the rows just swept
        for message_id in batch:
            if message_id not in again:
                send_message_task.delay(message_id)
        ids += [message_id for message_id in batch if message_id not in again]
        if len(batch) < SWEEP_BATCH or again:
            break
    return ids


@shared_task(name="messaging.sweep_outbox")
def sweep_outbox_task() -> int:
    with single_run("messaging:cron:sweep", 300) as acquired:
        if not acquired:
            return 0
        ids = _sweep_batches()
    if ids:
        logger.info("outbox sweeper re-enqueued %d message(s)", len(ids))
    return len(ids)


@shared_task(name="messaging.reconcile_stale")
def reconcile_stale_task() -> int:
    with single_run("messaging:cron:reconcile", 900) as acquired:
        if not acquired:
            return 0
        ids = stale_message_ids(older_than_seconds=settings.MESSAGING_RECONCILE_AFTER_SECONDS)
        for message_id in ids:
            reconcile_message_task.delay(message_id)
        unknown = unknown_message_ids(older_than_seconds=settings.MESSAGING_SEND_DOUBT_SECONDS)
        for message_id in unknown:
            settle_unknown_message_task.delay(message_id)
    return len(ids) + len(unknown)


@shared_task(name="messaging.purge_idempotency")
def purge_idempotency_task() -> int:
    from messaging.idempotency import purge_expired

    return purge_expired()
