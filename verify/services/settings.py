"""Turning Verify on and off for a tenant, and changing its settings; every change audited.

The Twilio side follows after the commit: `verify.enqueue.sync_service` queues the task that
creates the service in the tenant's subaccount (or adopts it) and pushes the settings.
"""

import secrets
from typing import Any

from django.db import transaction

from tenants.models import BusinessProfile, Tenant
from tenants.services import Actor, record_audit, tenant_lock
from verify import enqueue
from verify.errors import VerifyRefused
from verify.models import VerifyService
from verify.services import rules

AUDITED_OUT = frozenset({"token_secret", "publishable_key"})


def home_country(tenant: Tenant) -> str:
    """The business's own country (its business profile's address), US without a profile."""
    profile = BusinessProfile.objects.for_tenant(tenant).only("address_country").first()
    return (profile.address_country if profile else "") or "US"


def allowed_countries(service: VerifyService) -> list[str]:
    """The geo allowlist in force: the configured countries, else the business's own."""
    return list(service.allowed_countries) or [home_country(service.tenant)]


def _locked_service(tenant: Tenant) -> VerifyService | None:
    tenant_lock(tenant.pk)
    return VerifyService.objects.for_tenant(tenant).select_for_update().first()


def _audit(service: VerifyService, actor: Actor | None, action: str, changes: dict) -> None:
    record_audit(
        tenant=service.tenant,
        actor=actor or Actor.system(),
        action=action,
        target=service,
        changes={k: v for k, v in changes.items() if k not in AUDITED_OUT},
    )


def enable_verify(tenant: Tenant, *, brand_name: str, actor: Actor | None = None) -> VerifyService:
    """Switch Verify on: create the tenant's service row (or re-enable it) and queue its
    creation at Twilio. Idempotent: enabling an enabled service only renames it if asked."""
    name = rules.brand_name(brand_name)
    if tenant.status != Tenant.Status.ACTIVE:
        raise VerifyRefused("tenant_inactive", tenant.inactive_message, status=403)
    with transaction.atomic():
        service = _locked_service(tenant)
        if service is None:
            service = VerifyService(tenant=tenant, brand_name=name)
            service.token_secret = secrets.token_urlsafe(32)
        if service.enabled and service.brand_name == name and service.pk:
            return service
        before = {"enabled": service.enabled, "brand_name": service.brand_name}
        service.enabled, service.brand_name = True, name
        if service.status != VerifyService.Status.ACTIVE or not service.twilio_sid:
            service.status = VerifyService.Status.PROVISIONING
        service.last_error = ""
        service.save()
        changes = {k: [v, getattr(service, k)] for k, v in before.items()}
        _audit(service, actor, "verify.enabled", changes)
        enqueue.sync_service(service.pk)
    return service


def disable_verify(tenant: Tenant, *, actor: Actor | None = None) -> VerifyService | None:
    """Switch Verify off: no code is sent or checked any more. The Twilio service stays (so
    switching back on keeps its SID and settings); None when Verify was never set up."""
    with transaction.atomic():
        service = _locked_service(tenant)
        if service is None or not service.enabled:
            return service
        service.enabled = False
        service.status = VerifyService.Status.DISABLED
        service.save(update_fields=["enabled", "status", "updated_at"])
        _audit(service, actor, "verify.disabled", {"enabled": [True, False]})
    return service


def update_settings(
    service: VerifyService, *, actor: Actor | None = None, **changes: Any
) -> VerifyService:
    """Change settings (names as `rules.CHECKERS`), each validated first; the Twilio ones
    are pushed to the service after the commit. Unchanged values write nothing."""
    clean = rules.clean(changes)
    with transaction.atomic():
        locked = _locked_service(service.tenant)
        if locked is None or locked.pk != service.pk:
            raise VerifyRefused("not_found", "This Verify service no longer exists.", status=404)
        diff = {k: [getattr(locked, k), v] for k, v in clean.items() if getattr(locked, k) != v}
        if not diff:
            return locked
        for name, (_, value) in diff.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*diff, "updated_at"])
        _audit(locked, actor, "verify.settings_changed", diff)
        if locked.enabled and set(diff) & set(rules.TWILIO_FIELDS):
            enqueue.sync_service(locked.pk)
    return locked


def request_sync(service: VerifyService, *, actor: Actor | None = None) -> None:
    """Staff's re-sync: check the service against Twilio now (recreate, adopt or push)."""
    with transaction.atomic():
        if service.enabled and service.status == VerifyService.Status.FAILED:
            VerifyService.objects.filter(pk=service.pk).update(
                status=VerifyService.Status.PROVISIONING, last_error=""
            )
        _audit(service, actor, "verify.resync", {})
        enqueue.sync_service(service.pk)
