"""Celery tasks of verify: thin, by id, idempotent; the services do the work."""

import logging

from celery import shared_task

from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from provisioning.tasks import MAX_RETRIES, backoff
from verify import services
from verify.models import VerifyService

logger = logging.getLogger(__name__)


@shared_task(bind=True, name="verify.sync_service", max_retries=MAX_RETRIES)
def sync_service_task(self, service_id: str) -> str | None:
    """Create, adopt, recreate or update the tenant's Verify service at Twilio."""
    if not VerifyService.objects.filter(pk=service_id).exists():
        return None
    try:
        return services.verify_service_sync(service_id).action
    except (gateway.RetryableGatewayError, NoTwilioAccount) as err:
        final = self.request.retries >= self.max_retries
        services.verify_service_record_error(service_id, err, final=final)
        if final:
            return VerifyService.Status.FAILED
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err
    except gateway.GatewayError as err:
        services.verify_service_record_error(service_id, err, final=True)
        return VerifyService.Status.FAILED


@shared_task(name="verify.reconcile_services")
def reconcile_services_task() -> int:
    """Periodic: every enabled service checked against Twilio (recreated if missing there,
    settings pushed if drifted), one task each."""
    ids = services.services_to_reconcile()
    for service_id in ids:
        sync_service_task.delay(service_id)
    return len(ids)
