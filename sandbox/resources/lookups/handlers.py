"""lookups.twilio.com/v2/PhoneNumbers/{PhoneNumber}."""

from __future__ import annotations

import phonenumbers

from sandbox.core import formats
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.lookups import packages
from sandbox.resources.messages import magic
from sandbox.resources.phone_numbers import inventory
from sandbox.resources.phone_numbers.models import PhoneNumber


def _parse(raw: str, country: str) -> tuple[str | None, phonenumbers.PhoneNumber | None, str]:
    """(E.164 or None, parsed number or None, validation error or "")."""
    try:
        parsed = phonenumbers.parse(raw, None if raw.startswith("+") else country)
    except phonenumbers.NumberParseException as err:
        reason = {
            phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
            phonenumbers.NumberParseException.TOO_SHORT_NSN: "TOO_SHORT",
            phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "TOO_SHORT",
            phonenumbers.NumberParseException.TOO_LONG: "TOO_LONG",
        }.get(err.error_type, "NOT_A_NUMBER")
        return None, None, reason
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if e164 == "+15005550001":
        return e164, parsed, "INVALID_BUT_POSSIBLE"
    if formats.is_e164(e164):
        return e164, parsed, ""
    possible = phonenumbers.is_possible_number_with_reason(parsed)
    reason = {
        phonenumbers.ValidationResult.TOO_SHORT: "TOO_SHORT",
        phonenumbers.ValidationResult.TOO_LONG: "TOO_LONG",
        phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "INVALID_COUNTRY_CODE",
        phonenumbers.ValidationResult.INVALID_LENGTH: "INVALID_LENGTH",
    }.get(possible, "INVALID_BUT_POSSIBLE")
    return e164, parsed, reason


def line_type(e164: str) -> str:
    """mobile, landline, tollFree or nonFixedVoip (numbers a sandbox account owns)."""
    if e164 in magic.LANDLINES:
        return "landline"
    if inventory.kind_of(e164) == "tollfree":
        return "tollFree"
    if PhoneNumber.objects.filter(phone_number=e164).exists():
        return "nonFixedVoip"
    return "mobile"


def _fields(raw: str | None) -> list[str]:
    """The packages asked for, in Twilio's order; a name Twilio doesn't know is a 400."""
    asked = {f.strip() for f in (raw or "").split(",") if f.strip()}
    unknown = sorted(asked - set(packages.FIELDS))
    if unknown:
        raise TwilioError(
            60618,
            400,
            f"Invalid Fields value: {', '.join(unknown)}. "
            f"Valid values are: {', '.join(packages.FIELDS)}",
        )
    return [p for p in packages.PACKAGES if p in asked]


def _package(name: str, e164: str, country: str) -> dict:
    if not packages.enabled(name):
        return packages.failed(name, packages.NOT_ENABLED)
    if name == "caller_name":
        return packages.caller_name(country)
    if name == "sms_pumping_risk":
        return packages.sms_pumping_risk(e164, line_type(e164))
    return packages.line_type_intelligence(line_type(e164))


@route("lookups", "GET", "/v2/PhoneNumbers/{PhoneNumber}")
def fetch_phone_number(req: SandboxRequest) -> dict:
    """Every key of the resource is present; packages not asked for (or on an invalid
    number) are null."""
    raw = req.arg("PhoneNumber").strip()
    e164, parsed, error = _parse(raw, (req.q("CountryCode") or "US").upper())
    asked = _fields(req.q("Fields"))
    valid = not error
    country = None
    if parsed and valid:
        country = phonenumbers.region_code_for_number(
            parsed
        ) or phonenumbers.region_code_for_country_code(parsed.country_code)
    body = {
        "calling_country_code": str(parsed.country_code) if parsed and valid else None,
        "country_code": country,
        "phone_number": e164 or raw,
        "national_format": phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        )
        if parsed and valid
        else None,
        "valid": valid,
        "validation_errors": [error] if error else [],
        **dict.fromkeys(packages.PACKAGES),
        "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{e164 or raw}",
    }
    if valid:
        for name in asked:
            body[name] = _package(name, e164, country)
    return body
