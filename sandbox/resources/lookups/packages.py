"""Lookup v2 data packages: which the sandbox serves and how the others answer.

Twilio answers every key of the PhoneNumber resource, `null` for packages not requested. A
requested package that can't be served still answers HTTP 200: its object carries the
package's keys as `null` and an `error_code` (60606 the account is not enabled for the
package, 60600 no data for the number, e.g. caller name outside the US). A `Fields` value
that names no package is a 400. The sandbox account is enabled for the self-service
packages (line type, caller name, SMS pumping risk); the private-beta and approval-only
ones answer 60606 as they do on an account that has not been approved.
"""

from __future__ import annotations

import hashlib

PACKAGES = (
    "caller_name",
    "sim_swap",
    "call_forwarding",
    "line_status",
    "line_type_intelligence",
    "identity_match",
    "reassigned_number",
    "sms_pumping_risk",
    "phone_number_quality_score",
    "pre_fill",
)
FIELDS = ("validation", *PACKAGES)
"""Every value `Fields` accepts (twilio_lookups_v2.json); `validation` adds no key."""

NOT_ENABLED = 60606
NO_DATA = 60600

_KEYS = {
    "caller_name": ("caller_name", "caller_type"),
    "sim_swap": ("last_sim_swap", "carrier_name", "mobile_country_code", "mobile_network_code"),
    "call_forwarding": ("call_forwarding_enabled",),
    "line_status": ("status",),
    "line_type_intelligence": (
        "mobile_country_code",
        "mobile_network_code",
        "carrier_name",
        "type",
    ),
    "identity_match": (
        "first_name_match",
        "last_name_match",
        "address_lines_match",
        "city_match",
        "state_match",
        "postal_code_match",
        "address_country_match",
        "national_id_match",
        "date_of_birth_match",
        "summary_score",
        "error_message",
    ),
    "reassigned_number": ("last_verified_date", "is_number_reassigned"),
    "sms_pumping_risk": (
        "carrier_risk_category",
        "number_blocked",
        "number_blocked_date",
        "number_blocked_last_3_months",
        "sms_pumping_risk_score",
    ),
    "phone_number_quality_score": (
        "carrier_risk_category",
        "carrier_risk_score",
        "disposable_phone_risk_category",
        "disposable_phone_risk_score",
        "quality_category",
        "quality_score",
        "velocity_risk_category",
        "velocity_risk_score",
    ),
    "pre_fill": (
        "first_name",
        "last_name",
        "address_line",
        "country_code",
        "state",
        "postal_code",
    ),
}
_STRING_CODES = frozenset({"reassigned_number"})
"""The spec types this package's `error_code` as a string (ReassignedNumberInfo)."""
_ENABLED = frozenset({"caller_name", "line_type_intelligence", "sms_pumping_risk"})
_CARRIERS = {
    "mobile": ("310", "260", "Sandbox Wireless"),
    "landline": ("", "", "Sandbox Telephone"),
    "tollFree": ("", "", "Sandbox Toll-Free"),
    "nonFixedVoip": ("", "", "Twilio - SMS/MMS-SVR"),
}


def failed(package: str, code: int) -> dict:
    """The package's object when Twilio could not serve it: its keys null, the error code."""
    body: dict = dict.fromkeys(_KEYS[package])
    body["error_code"] = str(code) if package in _STRING_CODES else code
    return body


def enabled(package: str) -> bool:
    return package in _ENABLED


def line_type_intelligence(kind: str) -> dict:
    mcc, mnc, carrier = _CARRIERS[kind]
    return {
        "mobile_country_code": mcc,
        "mobile_network_code": mnc,
        "carrier_name": carrier,
        "type": kind,
        "error_code": None,
    }


def caller_name(country: str) -> dict:
    """CNAM: US numbers only; elsewhere Twilio has no data (60600) and doesn't charge."""
    if country != "US":
        return failed("caller_name", NO_DATA)
    return {"caller_name": "SANDBOX SUBSCRIBER", "caller_type": "CONSUMER", "error_code": None}


def sms_pumping_risk(e164: str, kind: str) -> dict:
    """A low, stable score per number; VoIP carriers rate `high` as on Twilio."""
    score = int(hashlib.sha256(e164.encode()).hexdigest()[:4], 16) % 30
    return {
        "carrier_risk_category": "high" if kind == "nonFixedVoip" else "low",
        "number_blocked": False,
        "number_blocked_date": None,
        "number_blocked_last_3_months": False,
        "sms_pumping_risk_score": score,
        "error_code": None,
    }
