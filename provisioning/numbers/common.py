"""What every number operation shares: the platform's webhook URLs, prices, number type and
country, the checks before a purchase, the row written for a number Twilio holds, and
attaching it to the tenant's messaging service."""

import logging
import re
from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.utils import timezone

from isvplatform import gateway
from isvplatform.public import absolute_url
from provisioning.accounts import subaccount_client
from provisioning.errors import ProvisioningConflict
from provisioning.models import NumberType, PhoneNumber, PooledNumber, TwilioSubaccount
from provisioning.selectors import active_numbers, active_subaccount, messaging_service_for
from tenants.models import Tenant

logger = logging.getLogger(__name__)


CONTAINS_PATTERN = re.compile(r"^[0-9A-Za-z*]{2,16}$")
REGION_PATTERN = re.compile(r"^[A-Za-z]{2}$")
POSTAL_CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z -]{1,8}[0-9A-Za-z]$")


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


def country_of(e164: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or "US"
    except phonenumbers.NumberParseException:
        return "US"


def ensure_tenant_active(tenant: Tenant) -> None:
    if tenant.status != Tenant.Status.ACTIVE:
        raise ProvisioningConflict(tenant.inactive_message, code="tenant_inactive")


def require_active_subaccount(tenant: Tenant) -> TwilioSubaccount:
    sub = active_subaccount(tenant)
    if sub is None:
        raise ProvisioningConflict(
            "The tenant's Twilio subaccount isn't active yet, so numbers can't be bought.",
            code="subaccount_not_active",
        )
    return sub


def check_limit(tenant: Tenant, sub: TwilioSubaccount) -> None:
    limit = sub.effective_number_limit
    if active_numbers(tenant).count() >= limit:
        raise ProvisioningConflict(
            f"The tenant already has {limit} number{'s' if limit != 1 else ''}, its limit; "
            "release one or ask us to raise the limit.",
            code="number_limit_reached",
        )


def row_from_twilio(
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
        iso_country=country_of(bought.phone_number),
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


def attach_to_service(number: PhoneNumber, sub: TwilioSubaccount) -> None:
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


def promote_next_primary(tenant_id: int) -> None:
    numbers = active_numbers(tenant_id)
    if not numbers.filter(is_primary=True).exists():
        successor = numbers.order_by("purchased_at", "created_at").first()
        if successor is not None:
            PhoneNumber.objects.filter(pk=successor.pk).update(is_primary=True)
