"""Making the platform's numbers match the subaccount's in Twilio (the reconcile job's
number half, also run before the first purchase)."""

from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import subaccount_client
from provisioning.models import PhoneNumber, PooledNumber, ReconcileRecord, TwilioSubaccount
from provisioning.numbers.common import (
    attach_to_service,
    promote_next_primary,
    row_from_twilio,
    webhook_urls,
)
from provisioning.selectors import active_numbers
from tenants.services import Actor, record_audit


def numbers_sync(*, subaccount: TwilioSubaccount) -> list[ReconcileRecord]:
    """Make the platform's numbers match the subaccount's in Twilio: adopt numbers bought
    outside the platform (with the platform's webhooks), mark gone ones released, repair
    webhooks that drifted. Returns what was fixed (also recorded and audited)."""
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    if sub.status != TwilioSubaccount.Status.ACTIVE:
        return []
    client = subaccount_client(sub)
    remote = {n.sid: n for n in gateway.list_numbers(client)}
    if sub.is_connected:
        # The tenant's own account may hold voice-only numbers: the platform manages the
        # SMS-capable ones.
        remote = {sid: n for sid, n in remote.items() if n.sms}
    fixed: list[ReconcileRecord] = []
    with transaction.atomic():
        local = {n.sid: n for n in active_numbers(sub.tenant).filter(subaccount=sub)}
        fixed += _adopt_new(sub, remote, local)
        fixed += _release_gone(sub, remote, local)
    fixed += _repair_webhooks(sub, client, remote, local)
    for number in active_numbers(sub.tenant).filter(subaccount=sub, messaging_service=None):
        attach_to_service(number, sub)
    return fixed


def _adopt_new(sub: TwilioSubaccount, remote: dict, local: dict) -> list[ReconcileRecord]:
    """Rows for the numbers Twilio holds and the platform doesn't (added to `local`)."""
    fixed = []
    for sid, found in remote.items():
        if sid in local:
            continue
        pooled = PooledNumber.objects.filter(
            sid=sid, status=PooledNumber.Status.ALLOCATED, allocated_tenant=sub.tenant
        ).first()
        number = row_from_twilio(
            tenant=sub.tenant,
            sub=sub,
            bought=found,
            origin=PhoneNumber.Origin.POOL if pooled else PhoneNumber.Origin.EXTERNAL,
            pooled=pooled,
        )
        local[sid] = number
        fixed.append(
            _record(sub, ReconcileRecord.Kind.NUMBER_ADDED, number.phone_number, {"sid": sid})
        )
        record_audit(
            tenant=sub.tenant,
            actor=Actor.system(),
            action="number.found_in_twilio",
            target=number,
            changes={"phone_number": number.phone_number},
        )
    return fixed


def _release_gone(sub: TwilioSubaccount, remote: dict, local: dict) -> list[ReconcileRecord]:
    """Mark released the numbers Twilio no longer holds (removed from `local`)."""
    fixed = []
    for sid, number in list(local.items()):
        if sid in remote:
            continue
        number.status = PhoneNumber.Status.RELEASED
        number.released_at = timezone.now()
        was_primary, number.is_primary = number.is_primary, False
        number.save()
        if was_primary:
            promote_next_primary(sub.tenant_id)
        del local[sid]
        fixed.append(
            _record(sub, ReconcileRecord.Kind.NUMBER_GONE, number.phone_number, {"sid": sid})
        )
        record_audit(
            tenant=sub.tenant,
            actor=Actor.system(),
            action="number.gone_from_twilio",
            target=number,
            changes={"phone_number": number.phone_number},
        )
    return fixed


def _repair_webhooks(
    sub: TwilioSubaccount, client, remote: dict, local: dict
) -> list[ReconcileRecord]:
    """Point drifted SMS webhooks back at the platform, and record what Twilio has."""
    sms_url, status_callback = webhook_urls()
    fixed = []
    for sid, number in local.items():
        found = remote[sid]
        if found.sms_url == sms_url and found.status_callback == status_callback:
            if number.sms_url != sms_url or number.status_callback != status_callback:
                PhoneNumber.objects.filter(pk=number.pk).update(
                    sms_url=sms_url, status_callback=status_callback
                )
            continue
        gateway.update_number_webhooks(
            client, sid, sms_url=sms_url, status_callback=status_callback
        )
        PhoneNumber.objects.filter(pk=number.pk).update(
            sms_url=sms_url, status_callback=status_callback
        )
        fixed.append(
            _record(
                sub,
                ReconcileRecord.Kind.NUMBER_WEBHOOKS,
                number.phone_number,
                {"sms_url": [found.sms_url, sms_url]},
            )
        )
    return fixed


def _record(sub: TwilioSubaccount, kind: str, detail: str, changes: dict) -> ReconcileRecord:
    return ReconcileRecord.objects.create(
        tenant=sub.tenant, subaccount=sub, kind=kind, detail=detail, changes=changes
    )
