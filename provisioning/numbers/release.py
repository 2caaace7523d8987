"""The primary number, and releasing a number (to Twilio, or back to the pool)."""

import contextlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from isvplatform import claims, gateway
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


def _number_row(pk):
    return (
        PhoneNumber.objects.select_for_update(of=("self",))
        .select_related("tenant", "subaccount", "messaging_service", "pooled_number")
        .get(pk=pk)
    )


def number_release(
    *,
    number: PhoneNumber,
    actor: Actor,
    to_pool: bool | None = None,
    reason: str = "",
) -> PhoneNumber:
    """Detach the number from the messaging service and give it back to Twilio (or, for a
    pooled number, to the pool when `to_pool` isn't False). The row stays, as history.

    The number is claimed for the Twilio calls, which run outside any transaction."""
    with transaction.atomic():
        number = _number_row(number.pk)
        if number.status == PhoneNumber.Status.RELEASED:
            return number
        held = claims.claim(
            PhoneNumber.objects.all(), number.pk, seconds=settings.PROVISIONING_CLAIM_SECONDS
        )
        if held is None:
            raise ProvisioningConflict("This number is being changed right now; try again.")
    pooled = number.pooled_number
    back_to_pool = pooled is not None and to_pool is not False
    try:
        _release_at_twilio(number, back_to_pool)
    except BaseException:
        claims.release(PhoneNumber.objects.all(), held)
        raise
    with transaction.atomic():
        number = _number_row(number.pk)
        if number.claim_token != held.token:
            raise ProvisioningConflict("This number is being changed right now; try again.")
        _record_release(number, actor, back_to_pool=back_to_pool, reason=reason)
        claims.release(PhoneNumber.objects.all(), held)
    number.claim_token = number.claimed_until = None
    return number


def _release_at_twilio(number: PhoneNumber, back_to_pool: bool) -> None:
    sub = number.subaccount
    client = subaccount_client(sub) if sub and sub.auth_token is not None else None
    if client is not None and number.messaging_service is not None:
        with contextlib.suppress(gateway.NotFoundError):
            gateway.remove_number_from_service(client, number.messaging_service.sid, number.sid)
    if back_to_pool:
        return_to_pool(number, number.pooled_number)
    elif client is not None:
        with contextlib.suppress(gateway.NotFoundError):  # already gone from Twilio
            gateway.release_number(client, number.sid)


def _record_release(number: PhoneNumber, actor: Actor, *, back_to_pool: bool, reason: str) -> None:
    pooled = number.pooled_number
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
