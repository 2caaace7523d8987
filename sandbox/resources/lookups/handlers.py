"""lookups.twilio.com/v2/PhoneNumbers/{PhoneNumber}."""

from __future__ import annotations

import phonenumbers

from sandbox.core import formats
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.messages import magic
from sandbox.resources.phone_numbers import inventory
from sandbox.resources.phone_numbers.models import PhoneNumber

_CARRIERS = {
    "mobile": ("310", "260", "Sandbox Wireless"),
    "landline": ("", "", "Sandbox Telephone"),
    "tollFree": ("", "", "Sandbox Toll-Free"),
    "nonFixedVoip": ("", "", "Twilio - SMS/MMS-SVR"),
}


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


@route("lookups", "GET", "/v2/PhoneNumbers/{PhoneNumber}")
def fetch_phone_number(req: SandboxRequest) -> dict:
    raw = req.arg("PhoneNumber").strip()
    e164, parsed, error = _parse(raw, (req.q("CountryCode") or "US").upper())
    fields = {f.strip() for f in (req.q("Fields") or "").split(",") if f.strip()}
    valid = not error
    body = {
        "calling_country_code": str(parsed.country_code) if parsed and valid else None,
        "country_code": phonenumbers.region_code_for_number(parsed) if parsed and valid else None,
        "phone_number": e164 or raw,
        "national_format": phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        )
        if parsed and valid
        else None,
        "valid": valid,
        "validation_errors": [error] if error else [],
        "url": f"https://lookups.twilio.com/v2/PhoneNumbers/{e164 or raw}",
    }
    if valid and "line_type_intelligence" in fields:
        kind = line_type(e164)
        mcc, mnc, carrier = _CARRIERS[kind]
        body["line_type_intelligence"] = {
            "mobile_country_code": mcc,
            "mobile_network_code": mnc,
            "carrier_name": carrier,
            "type": kind,
        }
    if valid and "caller_name" in fields:
        body["caller_name"] = {"caller_name": "SANDBOX SUBSCRIBER", "caller_type": "CONSUMER"}
    return body
