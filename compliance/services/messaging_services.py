"""The tenant's messaging service with its numbers, and the cut-over to a new version's
service once that version's campaign is verified."""

import contextlib
import logging

from django.db.models import ProtectedError

from compliance.models import Registration
from compliance.selectors import active_registration
from compliance.services.common import Api, save_fields
from isvplatform import gateway
from provisioning.accounts import tenant_account
from provisioning.models import MessagingService, PhoneNumber
from provisioning.selectors import active_numbers, messaging_service_for
from tenants.models import Tenant

logger = logging.getLogger(__name__)


def _service_name(tenant: Tenant, version: int | None = None) -> str:
    suffix = f" v{version}" if version else ""
    return f"{tenant.name[:40]} (isv {tenant.pk}){suffix}"


def _service_row(tenant: Tenant, sid: str, name: str, inbound: str, status: str):
    account = tenant_account(tenant)
    row, _ = MessagingService.objects.get_or_create(
        sid=sid,
        defaults={
            "tenant": tenant,
            "subaccount": account.subaccount,
            "friendly_name": name,
            "inbound_request_url": inbound,
            "status_callback": status,
            "sticky_sender": True,
        },
    )
    return row


def _create_service(api: Api, name: str) -> gateway.MessagingServiceInfo:
    from provisioning.numbers import webhook_urls

    found = api(gateway.find_messaging_service, name)
    if found is not None:
        return found
    inbound, status = webhook_urls()
    return api(
        gateway.create_messaging_service,
        friendly_name=name,
        inbound_request_url=inbound,
        status_callback=status,
        sticky_sender=True,
        use_inbound_webhook_on_number=False,
    )


def _numbers_to_attach(tenant: Tenant):
    return active_numbers(tenant).filter(sms_enabled=True)


def _attach_numbers(api: Api, tenant: Tenant, service: MessagingService) -> None:
    """Every active SMS number of the tenant in the service's pool (and on its row)."""
    numbers = list(_numbers_to_attach(tenant))
    if all(number.messaging_service_id == service.pk for number in numbers):
        return
    present = set(api(gateway.list_service_number_sids, service.sid))
    for number in numbers:
        if number.sid not in present:
            try:
                api(gateway.add_number_to_service, service.sid, number.sid)
            except gateway.RejectedRequest as err:
                if err.code == 21712:
                    # In another service (set up outside the platform): leave it there.
                    logger.warning("%s is in another messaging service; not attached", number)
                    continue
                if err.code != 21710:  # already in this service
                    raise
        if number.messaging_service_id != service.pk:
            PhoneNumber.objects.filter(pk=number.pk).update(messaging_service=service)


def ensure_messaging_service(api: Api, registration: Registration) -> None:
    """The tenant's service with its numbers; a fresh one when an approved campaign is live
    on the tenant's, so the approved version keeps sending until this one is verified."""
    from provisioning.numbers import webhook_urls

    tenant = registration.tenant
    live = messaging_service_for(tenant)
    active = active_registration(tenant)
    if not registration.messaging_service_sid:
        live_campaign = (
            active is not None
            and active.campaign is not None
            and live is not None
            and active.campaign.messaging_service_sid == live.sid
        )
        if live_campaign:
            info = _create_service(api, _service_name(tenant, registration.version))
            save_fields(registration, messaging_service_sid=info.sid, needs_cutover=True)
        else:
            if live is None:
                info = _create_service(api, _service_name(tenant))
                inbound, status = webhook_urls()
                live = _service_row(tenant, info.sid, info.friendly_name, inbound, status)
            save_fields(registration, messaging_service_sid=live.sid, needs_cutover=False)
    if not registration.needs_cutover:
        service = (
            MessagingService.objects.for_tenant(tenant)
            .filter(sid=registration.messaging_service_sid)
            .first()
        )
        if service is not None:
            _attach_numbers(api, tenant, service)


def cutover(api: Api, registration: Registration) -> None:
    """Move the tenant's numbers to the new version's service and retire the old one."""
    from provisioning.numbers import webhook_urls

    tenant = registration.tenant
    old = messaging_service_for(tenant)
    inbound, status = webhook_urls()
    new = _service_row(
        tenant,
        registration.messaging_service_sid,
        _service_name(tenant, registration.version),
        inbound,
        status,
    )
    if old is not None and old.pk != new.pk:
        in_old = set(api(gateway.list_service_number_sids, old.sid))
        for number in _numbers_to_attach(tenant):
            if number.sid in in_old:
                api(gateway.remove_number_from_service, old.sid, number.sid)
    _attach_numbers(api, tenant, new)
    if old is not None and old.pk != new.pk:
        with contextlib.suppress(gateway.NotFoundError):
            api(gateway.delete_messaging_service, old.sid)
        try:
            old.delete()
        except ProtectedError:
            logger.info("messaging service row %s is referenced; kept", old.pk)
