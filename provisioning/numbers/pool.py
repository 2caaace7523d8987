"""The pool: numbers staff buy into the master account ahead of demand, allocated (same SID)
into a tenant's subaccount and brought back when released."""

import contextlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import claims, gateway
from provisioning.accounts import subaccount_client
from provisioning.errors import ProvisioningConflict
from provisioning.locks import (
    released_on_error,
    subaccount_claimed,
    subaccount_lock,
    subaccount_take_claim,
)
from provisioning.models import PhoneNumber, PooledNumber
from provisioning.numbers.common import (
    attach_to_service,
    check_limit,
    country_of,
    ensure_tenant_active,
    monthly_price,
    number_type_of,
    require_active_subaccount,
    row_from_twilio,
    webhook_urls,
)
from tenants.models import Tenant
from tenants.services import Actor, record_audit


def return_to_pool(number: PhoneNumber, pooled: PooledNumber) -> None:
    master = gateway.master_client()
    try:
        gateway.transfer_number(
            master,
            number.sid,
            from_account_sid=number.subaccount.sid,
            to_account_sid=settings.TWILIO_ACCOUNT_SID,
        )
    except gateway.NotFoundError:
        # Not in the subaccount any more: if the master has it, it is back already.
        gateway.fetch_number(master, number.sid)
    gateway.update_number_webhooks(master, number.sid, sms_url="", status_callback="")
    PooledNumber.objects.filter(pk=pooled.pk).update(
        status=PooledNumber.Status.AVAILABLE,
        allocated_tenant=None,
        allocated_at=None,
        updated_at=timezone.now(),
    )


def pool_buy(
    *,
    actor: Actor,
    phone_number: str | None = None,
    area_code: str | None = None,
    friendly_name: str = "",
) -> PooledNumber:
    """Staff buy a number into the master account, ready to hand to a tenant at once."""
    if (not phone_number) == (not area_code):
        raise ValidationError({"phone_number": "Give a phone number to buy (or an area code)."})
    if area_code and not re.fullmatch(r"\d{3}", str(area_code)):
        raise ValidationError({"area_code": "An area code has three digits."})
    bought = gateway.buy_number(
        gateway.master_client(),
        phone_number=phone_number or None,
        area_code=str(area_code) if area_code else None,
        friendly_name=friendly_name or None,
    )
    number_type = number_type_of(bought.phone_number)
    with transaction.atomic():
        pooled = PooledNumber.objects.create(
            sid=bought.sid,
            phone_number=bought.phone_number,
            friendly_name=(bought.friendly_name or "")[:64],
            iso_country=country_of(bought.phone_number),
            number_type=number_type,
            sms_enabled=bought.sms,
            mms_enabled=bought.mms,
            voice_enabled=bought.voice,
            monthly_price=monthly_price(number_type),
            purchased_at=timezone.now(),
        )
        record_audit(
            tenant=None,
            actor=actor,
            action="pool.number_purchased",
            target=pooled,
            changes={"phone_number": pooled.phone_number, "sid": pooled.sid},
        )
    return pooled


def _claim_pooled(pooled: PooledNumber) -> claims.Claim:
    held = claims.claim(
        PooledNumber.objects.all(), pooled.pk, seconds=settings.PROVISIONING_CLAIM_SECONDS
    )
    if held is None:
        raise ProvisioningConflict("This pool number is being changed right now; try again.")
    return held


def _pooled_claimed(held: claims.Claim) -> PooledNumber:
    """The pooled row, locked, while `held` still holds it (inside the caller's transaction)."""
    pooled = PooledNumber.objects.select_for_update(of=("self",)).get(pk=held.pk)
    if pooled.claim_token != held.token:
        raise ProvisioningConflict("This pool number is being changed right now; try again.")
    claims.release(PooledNumber.objects.all(), held)
    pooled.claim_token = pooled.claimed_until = None
    return pooled


def pool_allocate(*, pooled: PooledNumber, tenant: Tenant, actor: Actor) -> PhoneNumber:
    """Move a pooled number into the tenant's subaccount and configure it like a bought one.

    The subaccount and the pooled number are claimed for the Twilio calls, which run outside
    any transaction."""
    ensure_tenant_active(tenant)
    sms_url, status_callback = webhook_urls()
    with transaction.atomic():
        sub = require_active_subaccount(tenant)
        sub = subaccount_lock(sub.pk)
        pooled = PooledNumber.objects.select_for_update(of=("self",)).get(pk=pooled.pk)
        if pooled.status != PooledNumber.Status.AVAILABLE:
            raise ProvisioningConflict(f"This pool number is {pooled.status}, not available.")
        if tenant.is_demo:
            raise ProvisioningConflict(
                "Pool numbers are real numbers; a demo tenant buys sandbox numbers instead."
            )
        check_limit(tenant, sub)
        held = subaccount_take_claim(sub)
        held_pooled = _claim_pooled(pooled)
    try:
        with released_on_error(held):
            gateway.transfer_number(
                gateway.master_client(),
                pooled.sid,
                from_account_sid=settings.TWILIO_ACCOUNT_SID,
                to_account_sid=sub.sid,
            )
            configured = gateway.update_number_webhooks(
                subaccount_client(sub),
                pooled.sid,
                sms_url=sms_url,
                status_callback=status_callback,
            )
    except BaseException:
        claims.release(PooledNumber.objects.all(), held_pooled)
        raise
    with subaccount_claimed(held) as sub:
        pooled = _pooled_claimed(held_pooled)
        pooled.status = PooledNumber.Status.ALLOCATED
        pooled.allocated_tenant = tenant
        pooled.allocated_at = timezone.now()
        pooled.save()
        number = row_from_twilio(
            tenant=tenant, sub=sub, bought=configured, origin=PhoneNumber.Origin.POOL, pooled=pooled
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="number.allocated_from_pool",
            target=number,
            changes={"phone_number": number.phone_number, "sid": number.sid},
        )
    attach_to_service(number, sub)
    return number


def pool_release(*, pooled: PooledNumber, actor: Actor) -> PooledNumber:
    """Give an unallocated pool number back to Twilio (claimed for the call, not locked)."""
    with transaction.atomic():
        pooled = PooledNumber.objects.select_for_update(of=("self",)).get(pk=pooled.pk)
        if pooled.status == PooledNumber.Status.RELEASED:
            return pooled
        if pooled.status != PooledNumber.Status.AVAILABLE:
            raise ProvisioningConflict("An allocated number is released by its tenant.")
        held = _claim_pooled(pooled)
    try:
        with contextlib.suppress(gateway.NotFoundError):
            gateway.release_number(gateway.master_client(), pooled.sid)
    except BaseException:
        claims.release(PooledNumber.objects.all(), held)
        raise
    with transaction.atomic():
        pooled = _pooled_claimed(held)
        pooled.status = PooledNumber.Status.RELEASED
        pooled.released_at = timezone.now()
        pooled.save()
        record_audit(
            tenant=None,
            actor=actor,
            action="pool.number_released",
            target=pooled,
            changes={"phone_number": pooled.phone_number},
        )
    return pooled
