"""The tenant's Verify service at Twilio: created, adopted or repaired, never duplicated.

`verify_service_sync` is the one step, run by a Celery task when Verify is switched on or a
setting changes, and by the periodic reconciler for every enabled service. Under a claim
(`isvplatform.claims`; no lock or transaction is open during the calls) it

- creates the service in the tenant's subaccount, or adopts one a dead worker created (same
  friendly name) before it could record the SID;
- recreates it when Twilio no longer has it (20404);
- pushes the settings Twilio holds (name, code length, Lookup, the do-not-share warning,
  the default template) when they drifted.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isvplatform import claims, gateway
from provisioning.accounts import tenant_account
from tenants.services import Actor, record_audit
from verify.models import VerifyService
from verify.services import rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncOutcome:
    service: VerifyService
    action: str  # "created", "adopted", "recreated", "updated", "unchanged", "skipped"


def desired_settings(service: VerifyService) -> dict[str, Any]:
    return {twilio: getattr(service, ours) for ours, twilio in rules.TWILIO_FIELDS.items()}


def _drift(service: VerifyService, info: gateway.VerifyServiceInfo) -> dict[str, Any]:
    wanted = desired_settings(service)
    return {name: value for name, value in wanted.items() if getattr(info, name) != value}


def _remote(client, service: VerifyService) -> tuple[gateway.VerifyServiceInfo, str]:
    """The service at Twilio, created or adopted when missing, with what was done."""
    wanted = desired_settings(service)
    if service.twilio_sid:
        try:
            info = gateway.fetch_verify_service(client, service.twilio_sid)
        except gateway.NotFoundError:
            return gateway.create_verify_service(client, **wanted), "recreated"
    else:
        info = gateway.find_verify_service(client, service.brand_name)
        if info is None:
            return gateway.create_verify_service(client, **wanted), "created"
    drift = _drift(service, info)
    if drift:
        return gateway.update_verify_service(client, info.sid, **drift), "updated"
    return info, "adopted" if not service.twilio_sid else "unchanged"


def verify_service_sync(service_id: str) -> SyncOutcome:
    """Make Twilio match the row (idempotent); raises GatewayError / NoTwilioAccount for the
    task to retry or record."""
    service = VerifyService.objects.select_related("tenant").get(pk=service_id)
    if not service.enabled:
        return SyncOutcome(service, "skipped")
    held = claims.claim(
        VerifyService.objects.filter(enabled=True),
        service.pk,
        seconds=settings.PROVISIONING_CLAIM_SECONDS,
    )
    if held is None:
        return SyncOutcome(service, "skipped")
    try:
        client = tenant_account(service.tenant).client()
        info, action = _remote(client, service)
    except BaseException:
        claims.release(VerifyService.objects.all(), held)
        raise
    return SyncOutcome(_record(held, service, info, action), action)


def _record(
    held: claims.Claim, service: VerifyService, info: gateway.VerifyServiceInfo, action: str
) -> VerifyService:
    now = timezone.now()
    with transaction.atomic():
        released = claims.release(
            VerifyService.objects.all(),
            held,
            twilio_sid=info.sid,
            status=VerifyService.Status.ACTIVE,
            last_error="",
            synced_at=now,
            updated_at=now,
        )
        service.refresh_from_db()
        if released and action != "unchanged":
            record_audit(
                tenant=service.tenant,
                actor=Actor.system(),
                action=f"verify.service_{action}",
                target=service,
                changes={"twilio_sid": info.sid},
            )
    return service


def verify_service_record_error(service_id: str, err: Exception, *, final: bool) -> None:
    """Keep Twilio's (or the account's) refusal where the tenant and staff see it; a final
    failure of a service never set up marks it failed."""
    message = str(err)[:500]
    logger.warning("Verify service %s not synced: %s", service_id, message)
    service = VerifyService.objects.filter(pk=service_id).first()
    if service is None:
        return
    changes: dict[str, Any] = {"last_error": message, "updated_at": timezone.now()}
    if final and not service.twilio_sid and service.enabled:
        changes["status"] = VerifyService.Status.FAILED
    VerifyService.objects.filter(pk=service_id).update(**changes)


def services_to_reconcile() -> list[str]:
    """Every enabled service, for the periodic reconciler (one task each)."""
    return [
        str(pk)
        for pk in VerifyService.objects.filter(enabled=True)
        .filter(claims.free())
        .values_list("pk", flat=True)
    ]
