"""Celery tasks of verify: thin, by id, idempotent; the services do the work."""

import logging

from celery import shared_task

from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from provisioning.tasks import MAX_RETRIES, backoff
from verify import services, usage
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


@shared_task(bind=True, name="verify.sync_usage", max_retries=MAX_RETRIES)
def sync_usage_task(self, tenant_id: int) -> int | None:
    """Read the tenant's recent Verify usage records from Twilio (idempotent)."""
    try:
        return usage.sync_verify_usage(tenant_id)
    except NoTwilioAccount:
        return None
    except gateway.RetryableGatewayError as err:
        raise self.retry(exc=err, countdown=backoff(self.request.retries)) from err


@shared_task(name="verify.sync_usage_all")
def sync_usage_all_task() -> int:
    """Periodic: one usage read per tenant with Verify on."""
    tenant_ids = usage.tenants_to_sync()
    for tenant_id in tenant_ids:
        sync_usage_task.delay(tenant_id)
    return len(tenant_ids)
