"""Searching numbers a tenant can buy, buying one into its subaccount, and the first number
bought after activation."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from isvplatform import gateway
from provisioning.accounts import master_client_for, subaccount_client
from provisioning.errors import ProvisioningConflict
from provisioning.locks import (
    released_on_error,
    subaccount_claimed,
    subaccount_lock,
    subaccount_take_claim,
)
from provisioning.models import NumberType, PhoneNumber, TwilioSubaccount
from provisioning.numbers.common import (
    CONTAINS_PATTERN,
    POSTAL_CODE_PATTERN,
    REGION_PATTERN,
    attach_to_service,
    check_limit,
    ensure_tenant_active,
    monthly_price,
    require_active_subaccount,
    row_from_twilio,
    webhook_urls,
)
from provisioning.numbers.sync import numbers_sync
from provisioning.selectors import active_numbers, active_subaccount
from tenants.models import Tenant
from tenants.services import Actor, normalize_e164, record_audit


@dataclass(frozen=True)
class NumberOffer:
    """A number the tenant could buy now, with what it costs per month."""

    phone_number: str
    friendly_name: str
    locality: str | None
    region: str | None
    postal_code: str | None
    iso_country: str
    number_type: str
    sms: bool
    mms: bool
    voice: bool
    monthly_price: Decimal
    currency: str


def number_search(
    *,
    tenant: Tenant,
    country: str = "US",
    number_type: str = NumberType.LOCAL,
    area_code: str | int | None = None,
    contains: str = "",
    region: str = "",
    postal_code: str = "",
    sms: bool | None = None,
    mms: bool | None = None,
    voice: bool | None = None,
    limit: int = 20,
) -> list[NumberOffer]:
    """Search numbers available to buy (through the tenant's subaccount, or the master
    account while it is still being provisioned: searching costs nothing); `region` (state
    or province) and `postal_code` narrow US and Canadian numbers to a place."""
    ensure_tenant_active(tenant)
    country, code = _search_filters(country, number_type, area_code, contains)
    _place_filters(region, postal_code)
    sub = active_subaccount(tenant)
    client = subaccount_client(sub) if sub else master_client_for(tenant)
    found = gateway.search_numbers(
        client,
        country=country,
        number_type=number_type,
        area_code=code,
        contains=contains or None,
        in_region=region.upper() or None,
        in_postal_code=postal_code.strip() or None,
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
            postal_code=n.postal_code,
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


def _search_filters(
    country: str, number_type: str, area_code: str | int | None, contains: str
) -> tuple[str, int | None]:
    """The country and area code to search with; ValidationError naming each bad filter."""
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
    return country, code


def _place_filters(region: str, postal_code: str) -> None:
    errors: dict[str, str] = {}
    if region and not REGION_PATTERN.fullmatch(region):
        errors["region"] = "Use the two-letter state or province code, like CA or ON."
    if postal_code and not POSTAL_CODE_PATTERN.fullmatch(postal_code):
        errors["postal_code"] = "Use a ZIP or postal code, like 94103 or M5H 2N2."
    if errors:
        raise ValidationError(errors)


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
    ensure_tenant_active(tenant)
    if (not phone_number) == (not area_code):
        raise ValidationError({"phone_number": "Give a phone number to buy (or an area code)."})
    if area_code and not re.fullmatch(r"\d{3}", str(area_code)):
        raise ValidationError({"area_code": "An area code has three digits."})
    if phone_number:
        try:
            phone_number = normalize_e164(phone_number)
        except ValidationError as err:
            raise ValidationError({"phone_number": err.messages}) from err
    sms_url, status_callback = webhook_urls()
    with transaction.atomic():
        sub = require_active_subaccount(tenant)
        sub = subaccount_lock(sub.pk)
        if sub.status != TwilioSubaccount.Status.ACTIVE:
            raise ProvisioningConflict("The subaccount is no longer active.")
        check_limit(tenant, sub)
        # The claim keeps a second purchase off the limit until this one is recorded.
        held = subaccount_take_claim(sub)
    with released_on_error(held):
        bought = gateway.buy_number(
            subaccount_client(sub),
            phone_number=phone_number or None,
            area_code=str(area_code) if area_code else None,
            friendly_name=friendly_name or None,
            sms_url=sms_url,
            status_callback=status_callback,
        )
    with subaccount_claimed(held) as sub:
        number = row_from_twilio(
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
    attach_to_service(number, sub)
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
