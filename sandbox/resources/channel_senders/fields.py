"""The JSON body of a Channels Sender create or update, read and checked as Twilio and Meta
check it.

Shapes and enums: `messaging.v2.channels_sender.*` schemas of twilio_messaging_v2.json.
`null` (which the SDK sends for every field left unset) means "not given". The profile limits
are Meta's for a WhatsApp Business profile (developers.facebook.com, WhatsApp Cloud API,
business profile: about 1-139 characters, address <= 256, description <= 512, email <= 128,
at most 2 websites of <= 256 each, vertical from the list below) and its display-name
guidelines (facebook.com/business/help/757569725593362: the name may not contain "WhatsApp").
Each failure is a 400 in Twilio's error shape naming the field.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.core import formats, spec
from sandbox.core.errors import TwilioError, invalid_param, missing_param

VERTICALS = frozenset(
    {
        "Alcohol",
        "Automotive",
        "Beauty, Spa and Salon",
        "Clothing and Apparel",
        "Education",
        "Entertainment",
        "Event Planning and Service",
        "Finance and Banking",
        "Food and Grocery",
        "Hotel and Lodging",
        "Matrimony Service",
        "Medical and Health",
        "Non-profit",
        "Online Gambling",
        "OTC Drugs",
        "Other",
        "Physical Gambling",
        "Professional Services",
        "Public Service",
        "Restaurant",
        "Shopping and Retail",
        "Travel and Transportation",
    }
)
LIMITS = {"name": 256, "about": 139, "address": 256, "description": 512, "logo_url": 2048}
MAX_WEBSITES = 2
MAX_WEBSITE = 256
MAX_EMAIL = 128
METHODS = frozenset({"POST", "PUT"})
VERIFICATION_METHODS = frozenset({"sms", "voice"})
ACCOUNT_TYPES = frozenset({"ISV", "ISVSubAccount", ""})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SCHEMAS = {
    "configuration": "messaging.v2.channels_sender.configuration",
    "webhook": "messaging.v2.channels_sender.webhook",
    "profile": "messaging.v2.channels_sender.profile",
}
CONFIGURATION_KEYS = (
    "waba_id",
    "verification_method",
    "verification_code",
    "voice_application_sid",
    "account_type",
)
WEBHOOK_KEYS = (
    "callback_url",
    "callback_method",
    "fallback_url",
    "fallback_method",
    "status_callback_url",
    "status_callback_method",
)
PROFILE_KEYS = (
    "name",
    "about",
    "address",
    "description",
    "logo_url",
    "banner_url",
    "privacy_url",
    "terms_of_service_url",
    "accent_color",
    "vertical",
    "websites",
    "emails",
    "phone_numbers",
)
# The schemas' keys, when the spec files are not at hand.
_NESTED_FALLBACK = {
    "configuration": set(CONFIGURATION_KEYS),
    "webhook": set(WEBHOOK_KEYS),
    "profile": set(PROFILE_KEYS),
}


def _known(section: str) -> set[str]:
    loaded = spec.load_spec("messaging_v2")
    if loaded is None:
        return _NESTED_FALLBACK[section]
    schema = loaded["components"]["schemas"].get(_SCHEMAS[section], {})
    return set(schema.get("properties", {})) or _NESTED_FALLBACK[section]


def body(payload: Any) -> dict:
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise TwilioError(20001, 400, "The request body must be a JSON object")
    return payload


def section(payload: dict, name: str) -> dict:
    """One nested object of the body: its given (non-null) keys, unknown keys refused."""
    value = payload.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid_param(name, f"{name} must be a JSON object")
    unknown = sorted(set(value) - _known(name))
    if unknown:
        raise TwilioError(20001, 400, f"Unknown parameter {name}.{unknown[0]}")
    return {k: v for k, v in value.items() if v is not None}


def _string(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid_param(name, f"{name} must be a string")
    return value


def sender_number(payload: dict) -> str:
    """The E.164 number of `sender_id` (`whatsapp:+E164`)."""
    sender_id = payload.get("sender_id")
    if not sender_id:
        raise missing_param("sender_id")
    channel, number = formats.split_channel(_string("sender_id", sender_id))
    if channel != "whatsapp" or not formats.is_e164(number):
        raise invalid_param(
            "sender_id", f"sender_id must be whatsapp:<E.164 number>, not {sender_id}"
        )
    return number


def configuration(payload: dict) -> dict:
    values = section(payload, "configuration")
    for key in ("waba_id", "verification_code", "voice_application_sid"):
        if key in values:
            values[key] = _string(f"configuration.{key}", values[key]).strip()
    method = values.get("verification_method")
    if method is not None and method not in VERIFICATION_METHODS:
        raise invalid_param(
            "configuration.verification_method",
            "configuration.verification_method must be sms or voice",
        )
    if values.get("account_type") not in (None, *ACCOUNT_TYPES):
        raise invalid_param(
            "configuration.account_type", "configuration.account_type must be ISV or ISVSubAccount"
        )
    return values


def webhook(payload: dict) -> dict:
    values = section(payload, "webhook")
    for key in ("callback_method", "fallback_method", "status_callback_method"):
        if key in values:
            values[key] = _string(f"webhook.{key}", values[key]).upper()
            if key != "status_callback_method" and values[key] not in METHODS:
                raise invalid_param(f"webhook.{key}", f"webhook.{key} must be POST or PUT")
    for key in ("callback_url", "fallback_url", "status_callback_url"):
        if key in values:
            values[key] = _string(f"webhook.{key}", values[key]).strip()
            if values[key] and not re.match(r"^https?://[^\s/]+", values[key]):
                raise invalid_param(f"webhook.{key}", f"webhook.{key} is not a valid URL")
    return values


def _websites(value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise invalid_param("profile.websites", "profile.websites must be a list")
    if len(value) > MAX_WEBSITES:
        raise invalid_param(
            "profile.websites", f"profile.websites: at most {MAX_WEBSITES} websites"
        )
    found = []
    for item in value:
        url = item.get("website") if isinstance(item, dict) else item
        if not isinstance(url, str) or not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            raise invalid_param(
                "profile.websites", f"profile.websites: {url!r} is not an http(s) URL"
            )
        if len(url) > MAX_WEBSITE:
            raise invalid_param(
                "profile.websites", f"profile.websites: at most {MAX_WEBSITE} characters each"
            )
        label = item.get("label") if isinstance(item, dict) else None
        found.append({"website": url, "label": label or "Website"})
    return found


def _emails(value: Any) -> list[dict]:
    if not isinstance(value, list):
        raise invalid_param("profile.emails", "profile.emails must be a list")
    found = []
    for item in value:
        email = item.get("email") if isinstance(item, dict) else item
        if not isinstance(email, str) or not _EMAIL.match(email) or len(email) > MAX_EMAIL:
            raise invalid_param(
                "profile.emails", f"profile.emails: {email!r} is not a valid email address"
            )
        label = item.get("label") if isinstance(item, dict) else None
        found.append({"email": email, "label": label or "Email"})
    return found


def profile(payload: dict) -> dict:
    values = section(payload, "profile")
    for key, value in list(values.items()):
        if key == "websites":
            values[key] = _websites(value)
        elif key == "emails":
            values[key] = _emails(value)
        elif key != "phone_numbers":
            values[key] = _string(f"profile.{key}", value).strip()
            limit = LIMITS.get(key)
            if limit and len(values[key]) > limit:
                raise invalid_param(
                    f"profile.{key}", f"profile.{key} is longer than {limit} characters"
                )
    if "vertical" in values and values["vertical"] and values["vertical"] not in VERTICALS:
        raise invalid_param(
            "profile.vertical", f"profile.vertical: {values['vertical']} is not a WhatsApp vertical"
        )
    if "whatsapp" in values.get("name", "").lower():
        raise invalid_param(
            "profile.name", "profile.name: a display name may not contain WhatsApp (Meta's rules)"
        )
    return values
