"""Phone numbers: searching, buying, webhooks, inventory and transfers between accounts."""

from collections.abc import Mapping
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import NotFoundError, translate_errors
from isvplatform.gateway.results import AvailableNumber, PhoneNumber

NUMBER_TYPES = ("local", "toll_free", "mobile")


def _capability(capabilities: Any, name: str) -> bool:
    if not isinstance(capabilities, Mapping):
        return False
    lowered = {str(k).lower(): v for k, v in capabilities.items()}
    return bool(lowered.get(name))


def _phone_number(instance: Any) -> PhoneNumber:
    return PhoneNumber(
        sid=instance.sid,
        account_sid=instance.account_sid,
        phone_number=instance.phone_number,
        friendly_name=instance.friendly_name or "",
        sms_url=instance.sms_url or None,
        sms_method=instance.sms_method or None,
        sms_fallback_url=instance.sms_fallback_url or None,
        status_callback=instance.status_callback or None,
        sms=_capability(instance.capabilities, "sms"),
        mms=_capability(instance.capabilities, "mms"),
        voice=_capability(instance.capabilities, "voice"),
    )


def _available(instance: Any) -> AvailableNumber:
    return AvailableNumber(
        phone_number=instance.phone_number,
        friendly_name=instance.friendly_name or instance.phone_number,
        locality=instance.locality,
        region=instance.region,
        postal_code=instance.postal_code,
        iso_country=instance.iso_country or "",
        sms=_capability(instance.capabilities, "sms"),
        mms=_capability(instance.capabilities, "mms"),
        voice=_capability(instance.capabilities, "voice"),
    )


@translate_errors()
def search_available_numbers(
    client: Client,
    *,
    country: str = "US",
    number_type: str = "local",
    area_code: int | None = None,
    contains: str | None = None,
    in_region: str | None = None,
    sms_enabled: bool | None = True,
    mms_enabled: bool | None = None,
    limit: int = 20,
) -> list[AvailableNumber]:
    """Numbers the account could buy now that can send SMS (unless told otherwise)."""
    return search_numbers(
        client,
        country=country,
        number_type=number_type,
        area_code=area_code,
        contains=contains,
        in_region=in_region,
        sms_enabled=sms_enabled,
        mms_enabled=mms_enabled,
        limit=limit,
    )


@translate_errors()
def search_numbers(
    client: Client,
    *,
    country: str = "US",
    number_type: str = "local",
    area_code: int | None = None,
    contains: str | None = None,
    in_region: str | None = None,
    in_postal_code: str | None = None,
    sms_enabled: bool | None = None,
    mms_enabled: bool | None = None,
    voice_enabled: bool | None = None,
    limit: int = 20,
) -> list[AvailableNumber]:
    """Numbers the account could buy, filtered by every capability the portal offers;
    `number_type` is local, toll_free or mobile. Twilio answers 404 for a type the
    country doesn't offer (US mobile numbers): that is no numbers, not a failure."""
    if number_type not in NUMBER_TYPES:
        raise ValueError(f"number_type must be one of {NUMBER_TYPES}, not {number_type!r}")
    resource = getattr(client.available_phone_numbers(country.upper()), number_type)
    try:
        with translate_errors():
            found = resource.list(
                area_code=area_code,
                contains=contains,
                in_region=in_region,
                in_postal_code=in_postal_code,
                sms_enabled=sms_enabled,
                mms_enabled=mms_enabled,
                voice_enabled=voice_enabled,
                limit=limit,
            )
    except NotFoundError:
        return []
    return [_available(instance) for instance in found]


@translate_errors()
def buy_number(
    client: Client,
    *,
    phone_number: str | None = None,
    area_code: str | None = None,
    friendly_name: str | None = None,
    sms_url: str | None = None,
    sms_method: str = "POST",
    sms_fallback_url: str | None = None,
    status_callback: str | None = None,
) -> PhoneNumber:
    """Buy a specific number, or any number in an area code, with its SMS webhooks set."""
    if (phone_number is None) == (area_code is None):
        raise ValueError("give exactly one of phone_number and area_code")
    return _phone_number(
        client.incoming_phone_numbers.create(
            phone_number=phone_number,
            area_code=area_code,
            friendly_name=friendly_name,
            sms_url=sms_url,
            sms_method=sms_method if sms_url else None,
            sms_fallback_url=sms_fallback_url,
            status_callback=status_callback,
        )
    )


@translate_errors()
def fetch_number(client: Client, sid: str) -> PhoneNumber:
    return _phone_number(client.incoming_phone_numbers(sid).fetch())


@translate_errors()
def list_numbers(client: Client, *, account_sid: str | None = None) -> list[PhoneNumber]:
    """Every number the account owns; `account_sid` lets a parent read a subaccount's."""
    api = client.api.v2010.accounts(account_sid) if account_sid else client
    return [_phone_number(instance) for instance in api.incoming_phone_numbers.stream()]


@translate_errors()
def update_number_webhooks(
    client: Client,
    sid: str,
    *,
    sms_url: str | None = None,
    sms_method: str | None = None,
    sms_fallback_url: str | None = None,
    status_callback: str | None = None,
) -> PhoneNumber:
    """Point a number's webhooks at the platform; None leaves a field alone, "" clears it."""
    return _phone_number(
        client.incoming_phone_numbers(sid).update(
            sms_url=sms_url,
            sms_method=sms_method,
            sms_fallback_url=sms_fallback_url,
            status_callback=status_callback,
        )
    )


@translate_errors()
def transfer_number(
    client: Client, sid: str, *, from_account_sid: str, to_account_sid: str
) -> PhoneNumber:
    """Move a number (same SID) between the master account and one of its subaccounts.

    Needs the parent's client: only the parent may act on both accounts.
    """
    return _phone_number(
        client.api.v2010.accounts(from_account_sid)
        .incoming_phone_numbers(sid)
        .update(account_sid=to_account_sid)
    )


@translate_errors()
def release_number(client: Client, sid: str) -> None:
    """Give the number back to Twilio (billing stops; the number may go to someone else)."""
    client.incoming_phone_numbers(sid).delete()
