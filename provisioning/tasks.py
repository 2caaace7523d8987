"""Celery tasks of provisioning: thin, by id, idempotent; the services do the work.

The tasks import the services; the services queue tasks by name (`provisioning.enqueue`).

Transient Twilio errors (429, 5xx, network) retry with exponential backoff and jitter; a
permanent one is recorded where staff and the tenant see it.
"""

import logging
import random

from celery import shared_task

from isvplatform import gateway
from provisioning import api_keys, numbers, reconcile, services, suspension, tokens
from provisioning.errors import ProvisioningConflict
from provisioning.models import TwilioSubaccount
from tenants.services import Actor

logger = logging.getLogger(__name__)
MAX_RETRIES = 8


def backoff(retries: int, base: float = 5.0, cap: float = 600.0) -> float:
    """Seconds before retry number `retries + 1`: exponential, capped, with full jitter."""
    return random.uniform(0, min(cap, base * 2**retries))


def _subaccount(subaccount_id: str) -> TwilioSubaccount | None:
    return TwilioSubaccount.objects.select_related("tenant").filter(pk=subaccount_id).first()


@shared_task(bind=True, name="provisioning.provision_subaccount", max_retries=MAX_RETRIES)
def provision_subaccount_task(self, subaccount_id: str) -> str | None:
    try:
        sub = services.subaccount_provision(subaccount_id)
    except gateway.RetryableGatewayError as err:
        final = self.request.retries >= self.max_retries
        services.subaccount_record_error(subaccount_id, err, final=final)
        if final:
            return TwilioSubaccount.Status.FAILED
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except gateway.GatewayError as err:
        services.subaccount_record_error(subaccount_id, err, final=True)
        return TwilioSubaccount.Status.FAILED
    return sub.status


@shared_task(bind=True, name="provisioning.sync_numbers", max_retries=MAX_RETRIES)
def sync_numbers_task(self, subaccount_id: str) -> int | None:
    sub = _subaccount(subaccount_id)
    if sub is None:
        return None
    try:
        return len(numbers.numbers_sync(subaccount=sub))
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except gateway.GatewayError as err:
        logger.warning("numbers of subaccount %s not synced: %s", subaccount_id, err)
        return None


@shared_task(bind=True, name="provisioning.buy_first_number", max_retries=MAX_RETRIES)
def buy_first_number_task(self, subaccount_id: str) -> str | None:
    try:
        number = numbers.buy_first_number(subaccount_id)
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except (gateway.GatewayError, ProvisioningConflict) as err:
        logger.warning("first number for subaccount %s not bought: %s", subaccount_id, err)
        return None
    return number.phone_number if number else None


def _status_task(self, subaccount_id: str, action) -> str | None:
    sub = _subaccount(subaccount_id)
    if sub is None:
        return None
    try:
        return action(sub).status
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except (gateway.GatewayError, ProvisioningConflict) as err:
        logger.warning("subaccount %s: %s", subaccount_id, err)
        return sub.status


@shared_task(bind=True, name="provisioning.suspend_subaccount", max_retries=MAX_RETRIES)
def suspend_subaccount_task(self, subaccount_id: str, reason: str = "") -> str | None:
    """Suspension asked for by billing (an unpaid or cancelled subscription)."""
    return _status_task(
        self,
        subaccount_id,
        lambda sub: suspension.subaccount_suspend(
            subaccount=sub,
            actor=Actor.system(),
            reason=reason,
            source=TwilioSubaccount.SuspensionSource.BILLING,
        ),
    )


@shared_task(bind=True, name="provisioning.resume_billing", max_retries=MAX_RETRIES)
def resume_billing_task(self, subaccount_id: str) -> str | None:
    return _status_task(
        self,
        subaccount_id,
        lambda sub: suspension.subaccount_resume_billing(subaccount=sub, actor=Actor.system()),
    )


@shared_task(bind=True, name="provisioning.rotate_token", max_retries=MAX_RETRIES)
def rotate_token_task(self, subaccount_id: str) -> str | None:
    return _status_task(
        self,
        subaccount_id,
        lambda sub: tokens.subaccount_rotate_token(subaccount=sub, actor=Actor.system()),
    )


@shared_task(bind=True, name="provisioning.reconcile_subaccount", max_retries=3)
def reconcile_subaccount_task(self, subaccount_id: str) -> int:
    sub = _subaccount(subaccount_id)
    if sub is None:
        return 0
    try:
        return len(reconcile.subaccount_reconcile(subaccount=sub))
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except gateway.GatewayError as err:
        logger.warning("reconcile of subaccount %s failed: %s", subaccount_id, err)
        return 0


@shared_task(name="provisioning.reconcile_all")
def reconcile_all_task() -> int:
    """Periodic: one reconcile task per subaccount worth checking."""
    ids = [str(pk) for pk in reconcile.subaccounts_to_reconcile().values_list("pk", flat=True)]
    for subaccount_id in ids:
        reconcile_subaccount_task.delay(subaccount_id)
    return len(ids)


@shared_task(name="provisioning.rotate_due_tokens")
def rotate_due_tokens_task() -> int:
    """Periodic: rotate tokens older than TWILIO_TOKEN_ROTATION_DAYS (and finish any
    interrupted rotation)."""
    ids = [str(pk) for pk in reconcile.subaccounts_due_for_rotation().values_list("pk", flat=True)]
    for subaccount_id in ids:
        rotate_token_task.delay(subaccount_id)
    return len(ids)


@shared_task(bind=True, name="provisioning.ensure_api_key", max_retries=MAX_RETRIES)
def ensure_api_key_task(self, subaccount_id: str) -> str | None:
    sub = _subaccount(subaccount_id)
    if sub is None:
        return None
    try:
        sub = api_keys.subaccount_ensure_api_key(sub)
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except (gateway.GatewayError, ProvisioningConflict) as err:
        logger.warning("API key of subaccount %s not created: %s", subaccount_id, err)
        return None
    return sub.api_key_sid or None


@shared_task(name="provisioning.ensure_api_keys")
def ensure_api_keys_task() -> int:
    """Periodic: key the active subaccounts without an API key (provisioning couldn't, or
    they predate keys) and finish interrupted key rotations."""
    ids = [str(pk) for pk in api_keys.subaccounts_missing_api_keys().values_list("pk", flat=True)]
    for subaccount_id in ids:
        ensure_api_key_task.delay(subaccount_id)
    return len(ids)
