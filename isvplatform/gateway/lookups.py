"""Lookup v2: validating a phone number and reading its line type."""

from collections.abc import Mapping

from twilio.base import values
from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import PhoneLookup


@translate_errors()
def lookup_phone_number(
    client: Client,
    phone_number: str,
    *,
    country_code: str | None = None,
    line_type: bool = True,
) -> PhoneLookup:
    """Validate a number (national format needs `country_code`) and, optionally, its line type."""
    instance = client.lookups.v2.phone_numbers(phone_number).fetch(
        fields="line_type_intelligence" if line_type else values.unset,
        country_code=country_code.upper() if country_code else values.unset,
    )
    intelligence = instance.line_type_intelligence
    if not isinstance(intelligence, Mapping):
        intelligence = {}
    return PhoneLookup(
        phone_number=instance.phone_number or phone_number,
        valid=bool(instance.valid),
        validation_errors=tuple(instance.validation_errors or ()),
        country_code=instance.country_code,
        national_format=instance.national_format,
        line_type=intelligence.get("type"),
        carrier_name=intelligence.get("carrier_name"),
    )
