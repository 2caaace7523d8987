"""A tenant's phone numbers: search, buy, primary, release, sync with Twilio, and the pool.

Numbers live in the tenant's subaccount, with their SMS webhooks pointing at the platform.
The pool holds numbers bought into the master account ahead of demand; allocating one moves
it (same SID) into a subaccount, and releasing it can bring it back.
"""

import contextlib
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from isvplatform.public import absolute_url
from provisioning.accounts import master_client_for
from provisioning.errors import ProvisioningConflict
from provisioning.models import (
    NumberType,
    PhoneNumber,
    PooledNumber,
    ReconcileRecord,
    TwilioSubaccount,
)
from provisioning.selectors import active_numbers, active_subaccount, messaging_service_for
from provisioning.services import subaccount_client, subaccount_lock
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)
CONTAINS_PATTERN = re.compile(r"^[0-9A-Za-z*]{2,16}$")


def webhook_urls() -> tuple[str, str]:
    """(SmsUrl, StatusCallback) every platform number is configured with."""
    return (
        absolute_url(settings.TWILIO_INBOUND_WEBHOOK_PATH),
        absolute_url(settings.TWILIO_STATUS_WEBHOOK_PATH),
    )


def monthly_price(number_type: str) -> Decimal:
    return Decimal(str(settings.NUMBER_MONTHLY_PRICES.get(number_type, "0")))


def number_type_of(e164: str) -> str:
    """Local, toll-free or mobile, read from the number itself."""
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return NumberType.LOCAL
    if kind == phonenumbers.PhoneNumberType.TOLL_FREE:
        return NumberType.TOLL_FREE
    if kind == phonenumbers.PhoneNumberType.MOBILE:
        return NumberType.MOBILE
    return NumberType.LOCAL


def _country_of(e164: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or "US"
    except phonenumbers.NumberParseException:
        return "US"


# --- search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberOffer:
    """A number the tenant could buy now, with what it costs per month."""

    phone_number: str
    friendly_name: str
    locality: str | None
    region: str | None
    iso_country: str
    number_type: str
    sms: bool
    mms: bool
    voice: bool
    monthly_price: Decimal
    currency: str


def _ensure_tenant_active(tenant: Tenant) -> None:
    if tenant.status != Tenant.Status.ACTIVE:
        raise ProvisioningConflict(tenant.inactive_message, code="tenant_inactive")


def _require_active_subaccount(tenant: Tenant) -> TwilioSubaccount:
    sub = active_subaccount(tenant)
    if sub is None:
        raise ProvisioningConflict(
            "The tenant's Twilio subaccount isn't active yet, so numbers can't be bought.",
            code="subaccount_not_active",
        )
    return sub


def number_search(
    *,
    tenant: Tenant,
    country: str = "US",
    number_type: str = NumberType.LOCAL,
    area_code: str | int | None = None,
    contains: str = "",
    sms: bool | None = None,
    mms: bool | None = None,
    voice: bool | None = None,
    limit: int = 20,
) -> list[NumberOffer]:
    """Search numbers available to buy (through the tenant's subaccount, or the master
    account while it is still being provisioned: searching costs nothing)."""
    _ensure_tenant_active(tenant)
    errors: dict[str, str] = {}
    country = (country or "US").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        errors["country"] = "Use a two-letter country code, like US."
    if number_type not in NumberType.values:
        errors["type"] = f"Choose one of {', '.join(NumberType.values)}."
    code = None
    if area_code not in (None, ""):
        if not re.fullmatch(r"\d{3}", str(area_code)):
            errors["area_code"] = "An area code has three digits."
        else:
            code = int(area_code)
    if contains and not CONTAINS_PATTERN.fullmatch(contains):
        errors["contains"] = "Use 2 to 16 digits or letters; * matches any digit."
    if errors:
        raise ValidationError(errors)
    sub = active_subaccount(tenant)
    client = subaccount_client(sub) if sub else master_client_for(tenant)
    found = gateway.search_numbers(
        client,
        country=country,
        number_type=number_type,
        area_code=code,
        contains=contains or None,
        sms_enabled=sms,
        mms_enabled=mms,
        voice_enabled=voice,
        limit=max(1, min(int(limit), 50)),
    )
    price = monthly_price(number_type)
    return [
        NumberOffer(
            phone_number=n.phone_number,
            friendly_name=n.friendly_name,
            locality=n.locality,
            region=n.region,
            iso_country=n.iso_country or country,
            number_type=number_type,
            sms=n.sms,
            mms=n.mms,
            voice=n.voice,
            monthly_price=price,
            currency=settings.NUMBER_PRICE_CURRENCY,
        )
        for n in found
    ]


# --- buy ------------------------------------------------------------------------------------


def _check_limit(tenant: Tenant, sub: TwilioSubaccount) -> None:
    limit = sub.effective_number_limit
    if active_numbers(tenant).count() >= limit:
        raise ProvisioningConflict(
            f"The tenant already has {limit} number{'s' if limit != 1 else ''}, its limit; "
            "release one or ask us to raise the limit.",
            code="number_limit_reached",
        )


def _row_from_twilio(
    *,
    tenant: Tenant,
    sub: TwilioSubaccount,
    bought: gateway.PhoneNumber,
    origin: str,
    pooled: PooledNumber | None = None,
) -> PhoneNumber:
    number_type = pooled.number_type if pooled else number_type_of(bought.phone_number)
    has_primary = active_numbers(tenant).filter(is_primary=True).exists()
    return PhoneNumber.objects.create(
        tenant=tenant,
        subaccount=sub,
        phone_number=bought.phone_number,
        sid=bought.sid,
        friendly_name=(bought.friendly_name or "")[:64],
        iso_country=_country_of(bought.phone_number),
        number_type=number_type,
        sms_enabled=bought.sms,
        mms_enabled=bought.mms,
        voice_enabled=bought.voice,
        is_primary=not has_primary,
        monthly_price=pooled.monthly_price if pooled else monthly_price(number_type),
        purchased_at=timezone.now(),
        origin=origin,
        pooled_number=pooled,
        sms_url=bought.sms_url or "",
        status_callback=bought.status_callback or "",
    )


def _attach_to_service(number: PhoneNumber, sub: TwilioSubaccount) -> None:
    """Put the number in the tenant's messaging service, when it has one. A failure is logged
    and left for the reconcile job: the number works without the service."""
    service = messaging_service_for(number.tenant)
    if service is None or number.messaging_service_id == service.pk:
        return
    try:
        gateway.add_number_to_service(subaccount_client(sub), service.sid, number.sid)
    except gateway.GatewayError as err:
        if err.code != 21710:  # already in this service
            logger.warning("could not attach %s to %s: %s", number.sid, service.sid, err)
            return
    PhoneNumber.objects.filter(pk=number.pk).update(messaging_service=service)
    number.messaging_service = service


def number_buy(
    *,
    tenant: Tenant,
    actor: Actor,
    phone_number: str | None = None,
    area_code: str | None = None,
    friendly_name: str = "",
) -> PhoneNumber:
    """Buy a number (a given one, or any in an area code) into the tenant's subaccount, with
    its SmsUrl and StatusCallback pointing at the platform; the first one becomes primary."""
    _ensure_tenant_active(tenant)
    if (not phone_number) == (not area_code):
        raise ValidationError({"phone_number": "Give a phone number to buy (or an area code)."})
    if area_code and not re.fullmatch(r"\d{3}", str(area_code)):
        raise ValidationError({"area_code": "An area code has three digits."})
    if phone_number:
        from tenants.services import normalize_e164

        try:
            phone_number = normalize_e164(phone_number)
        except ValidationError as err:
            raise ValidationError({"phone_number": err.messages}) from err
    sms_url, status_callback = webhook_urls()
    with transaction.atomic():
        sub = _require_active_subaccount(tenant)
        sub = subaccount_lock(sub.pk)
        if sub.status != TwilioSubaccount.Status.ACTIVE:
            raise ProvisioningConflict("The subaccount is no longer active.")
        _check_limit(tenant, sub)
        bought = gateway.buy_number(
            subaccount_client(sub),
            phone_number=phone_number or None,
            area_code=str(area_code) if area_code else None,
            friendly_name=friendly_name or None,
            sms_url=sms_url,
            status_callback=status_callback,
        )
        number = _row_from_twilio(
            tenant=tenant, sub=sub, bought=bought, origin=PhoneNumber.Origin.PURCHASED
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="number.purchased",
            target=number,
            changes={
                "phone_number": number.phone_number,
                "sid": number.sid,
                "monthly_price": str(number.monthly_price),
            },
        )
    _attach_to_service(number, sub)
    return number


def buy_first_number(subaccount_id: str) -> PhoneNumber | None:
    """After activation, buy the number asked for at sign-up, unless the tenant has one.

    Syncs from Twilio first, so a purchase an earlier (crashed) run made is adopted instead
    of buying a second number.
    """
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount_id)
    if sub.status != TwilioSubaccount.Status.ACTIVE or not sub.requested_area_code:
        return None
    numbers_sync(subaccount=sub)
    existing = active_numbers(sub.tenant).first()
    if existing is not None:
        return existing
    return number_buy(tenant=sub.tenant, actor=Actor.system(), area_code=sub.requested_area_code)


# --- primary and release --------------------------------------------------------------------


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


def _promote_next_primary(tenant_id: int) -> None:
    numbers = active_numbers(tenant_id)
    if not numbers.filter(is_primary=True).exists():
        successor = numbers.order_by("purchased_at", "created_at").first()
        if successor is not None:
            PhoneNumber.objects.filter(pk=successor.pk).update(is_primary=True)


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
            _return_to_pool(number, pooled)
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
            _promote_next_primary(number.tenant_id)
        record_audit(
            tenant=number.tenant,
            actor=actor,
            action="number.returned_to_pool" if back_to_pool else "number.released",
            target=number,
            changes={"phone_number": number.phone_number, "reason": reason},
        )
    return number


def _return_to_pool(number: PhoneNumber, pooled: PooledNumber) -> None:
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


# --- sync with Twilio -----------------------------------------------------------------------


def numbers_sync(*, subaccount: TwilioSubaccount) -> list[ReconcileRecord]:
    """Make the platform's numbers match the subaccount's in Twilio: adopt numbers bought
    outside the platform (with the platform's webhooks), mark gone ones released, repair
    webhooks that drifted. Returns what was fixed (also recorded and audited)."""
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    if sub.status != TwilioSubaccount.Status.ACTIVE:
        return []
    client = subaccount_client(sub)
    remote = {n.sid: n for n in gateway.list_numbers(client)}
    sms_url, status_callback = webhook_urls()
    fixed: list[ReconcileRecord] = []
    system = Actor.system()
    with transaction.atomic():
        local = {n.sid: n for n in active_numbers(sub.tenant).filter(subaccount=sub)}
        for sid, found in remote.items():
            if sid in local:
                continue
            pooled = PooledNumber.objects.filter(
                sid=sid, status=PooledNumber.Status.ALLOCATED, allocated_tenant=sub.tenant
            ).first()
            number = _row_from_twilio(
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
                actor=system,
                action="number.found_in_twilio",
                target=number,
                changes={"phone_number": number.phone_number},
            )
        for sid, number in list(local.items()):
            if sid in remote:
                continue
            number.status = PhoneNumber.Status.RELEASED
            number.released_at = timezone.now()
            was_primary, number.is_primary = number.is_primary, False
            number.save()
            if was_primary:
                _promote_next_primary(sub.tenant_id)
            del local[sid]
            fixed.append(
                _record(sub, ReconcileRecord.Kind.NUMBER_GONE, number.phone_number, {"sid": sid})
            )
            record_audit(
                tenant=sub.tenant,
                actor=system,
                action="number.gone_from_twilio",
                target=number,
                changes={"phone_number": number.phone_number},
            )
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
    for number in active_numbers(sub.tenant).filter(subaccount=sub, messaging_service=None):
        _attach_to_service(number, sub)
    return fixed


def _record(sub: TwilioSubaccount, kind: str, detail: str, changes: dict) -> ReconcileRecord:
    return ReconcileRecord.objects.create(
        tenant=sub.tenant, subaccount=sub, kind=kind, detail=detail, changes=changes
    )


# --- the pool -------------------------------------------------------------------------------


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
            iso_country=_country_of(bought.phone_number),
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


def pool_allocate(*, pooled: PooledNumber, tenant: Tenant, actor: Actor) -> PhoneNumber:
    """Move a pooled number into the tenant's subaccount and configure it like a bought one."""
    _ensure_tenant_active(tenant)
    sms_url, status_callback = webhook_urls()
    with transaction.atomic():
        sub = _require_active_subaccount(tenant)
        sub = subaccount_lock(sub.pk)
        pooled = PooledNumber.objects.select_for_update(of=("self",)).get(pk=pooled.pk)
        if pooled.status != PooledNumber.Status.AVAILABLE:
            raise ProvisioningConflict(f"This pool number is {pooled.status}, not available.")
        if tenant.is_demo:
            raise ProvisioningConflict(
                "Pool numbers are real numbers; a demo tenant buys sandbox numbers instead."
            )
        _check_limit(tenant, sub)
        gateway.transfer_number(
            gateway.master_client(),
            pooled.sid,
            from_account_sid=settings.TWILIO_ACCOUNT_SID,
            to_account_sid=sub.sid,
        )
        configured = gateway.update_number_webhooks(
            subaccount_client(sub), pooled.sid, sms_url=sms_url, status_callback=status_callback
        )
        pooled.status = PooledNumber.Status.ALLOCATED
        pooled.allocated_tenant = tenant
        pooled.allocated_at = timezone.now()
        pooled.save()
        number = _row_from_twilio(
            tenant=tenant, sub=sub, bought=configured, origin=PhoneNumber.Origin.POOL, pooled=pooled
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="number.allocated_from_pool",
            target=number,
            changes={"phone_number": number.phone_number, "sid": number.sid},
        )
    _attach_to_service(number, sub)
    return number


def pool_release(*, pooled: PooledNumber, actor: Actor) -> PooledNumber:
    """Give an unallocated pool number back to Twilio."""
    with transaction.atomic():
        pooled = PooledNumber.objects.select_for_update(of=("self",)).get(pk=pooled.pk)
        if pooled.status == PooledNumber.Status.RELEASED:
            return pooled
        if pooled.status != PooledNumber.Status.AVAILABLE:
            raise ProvisioningConflict("An allocated number is released by its tenant.")
        with contextlib.suppress(gateway.NotFoundError):
            gateway.release_number(gateway.master_client(), pooled.sid)
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
