"""The primary number, and releasing a number (to Twilio, or back to the pool)."""

import contextlib

from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import subaccount_client
from provisioning.errors import ProvisioningConflict
from provisioning.models import PhoneNumber, PooledNumber
from provisioning.numbers.common import promote_next_primary
from provisioning.numbers.pool import return_to_pool
from provisioning.selectors import active_numbers
from tenants.services import Actor, record_audit


def number_set_primary(*, number: PhoneNumber, actor: Actor) -> PhoneNumber:
    """Make this the tenant's primary number (exactly one active number is primary)."""
    with transaction.atomic():
        rows = list(active_numbers(number.tenant_id).select_for_update(of=("self",)))
        number = PhoneNumber.objects.select_related("tenant").get(pk=number.pk)
        if number.status != PhoneNumber.Status.ACTIVE:
            raise ProvisioningConflict("A released number can't be the primary number.")
        if number.is_primary:
            return number
        before = next((r.phone_number for r in rows if r.is_primary), None)
        active_numbers(number.tenant_id).filter(is_primary=True).update(is_primary=False)
        number.is_primary = True
        number.save(update_fields=["is_primary", "updated_at"])
        record_audit(
            tenant=number.tenant,
            actor=actor,
            action="number.primary_set",
            target=number,
            changes={"primary": [before, number.phone_number]},
        )
    return number


def number_release(
    *,
    number: PhoneNumber,
    actor: Actor,
    to_pool: bool | None = None,
    reason: str = "",
) -> PhoneNumber:
    """Detach the number from the messaging service and give it back to Twilio (or, for a
    pooled number, to the pool when `to_pool` isn't False). The row stays, as history."""
    with transaction.atomic():
        number = (
            PhoneNumber.objects.select_for_update(of=("self",))
            .select_related("tenant", "subaccount", "messaging_service", "pooled_number")
            .get(pk=number.pk)
        )
        if number.status == PhoneNumber.Status.RELEASED:
            return number
        sub = number.subaccount
        client = subaccount_client(sub) if sub and sub.auth_token is not None else None
        if client is not None and number.messaging_service is not None:
            with contextlib.suppress(gateway.NotFoundError):
                gateway.remove_number_from_service(client, number.messaging_service.sid, number.sid)
        pooled = number.pooled_number
        back_to_pool = pooled is not None and to_pool is not False
        if back_to_pool:
            return_to_pool(number, pooled)
        elif client is not None:
            with contextlib.suppress(gateway.NotFoundError):  # already gone from Twilio
                gateway.release_number(client, number.sid)
        if pooled is not None and not back_to_pool:
            PooledNumber.objects.filter(pk=pooled.pk).update(
                status=PooledNumber.Status.RELEASED,
                released_at=timezone.now(),
                updated_at=timezone.now(),
            )
        was_primary = number.is_primary
        number.status = PhoneNumber.Status.RELEASED
        number.released_at = timezone.now()
        number.is_primary = False
        number.messaging_service = None
        number.save()
        if was_primary:
            promote_next_primary(number.tenant_id)
        record_audit(
            tenant=number.tenant,
            actor=actor,
            action="number.returned_to_pool" if back_to_pool else "number.released",
            target=number,
            changes={"phone_number": number.phone_number, "reason": reason},
        )
    return number
