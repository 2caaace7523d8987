"""The rules a Verify setting obeys, checked before anything is submitted to Twilio.

Each checker returns the clean value or raises `VerifyRefused` naming the field, so the
API, the portal form and the admin all refuse the same values with the same words.
"""

import re
from typing import Any

import phonenumbers

from verify.errors import VerifyRefused
from verify.models import Channel

BRAND_NAME_MAX = 30
CODE_LENGTH_RANGE = (4, 10)
LIMIT_MAX = 10_000
# The locales Twilio Verify accepts (`Locale`, wave2-facts §4.4).
LOCALES = frozenset(
    [
        "af",
        "ar",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "en-GB",
        "es",
        "et",
        "fi",
        "fr",
        "he",
        "hi",
        "hr",
        "hu",
        "id",
        "it",
        "ja",
        "kn",
        "ko",
        "lt",
        "mr",
        "ms",
        "nb",
        "nl",
        "pl",
        "pt",
        "pt-BR",
        "ro",
        "ru",
        "sk",
        "sv",
        "te",
        "th",
        "tl",
        "tr",
        "uk",
        "vi",
        "zh",
        "zh-CN",
        "zh-HK",
    ]
)
_DIGIT_RUN = re.compile(r"\d{5,}")
_TEMPLATE_SID = re.compile(r"^HJ[0-9a-fA-F]{32}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS)


def _refuse(field: str, message: str) -> VerifyRefused:
    return VerifyRefused("invalid", message, field, 400)


def brand_name(value: Any) -> str:
    """Twilio's FriendlyName rules for what the person reads ("Your Acme code is …"): 1 to
    30 characters on one line, and no run of five or more digits (Twilio refuses it with
    60200: it would read as a code or a phone number)."""
    name = " ".join(str(value or "").split())
    if not name:
        raise _refuse("brand_name", "Enter the name people see in the message.")
    if len(name) > BRAND_NAME_MAX:
        raise _refuse("brand_name", f"The brand name can have at most {BRAND_NAME_MAX} characters.")
    if _DIGIT_RUN.search(name):
        raise _refuse(
            "brand_name",
            "The brand name can't contain five or more digits in a row (Twilio refuses it, "
            "error 60200, because it would read like a code or a phone number).",
        )
    if not name.isprintable():
        raise _refuse("brand_name", "The brand name can only contain printable characters.")
    return name


def code_length(value: Any) -> int:
    low, high = CODE_LENGTH_RANGE
    try:
        length = int(value)
    except (TypeError, ValueError):
        raise _refuse("code_length", "The code length must be a whole number.") from None
    if not low <= length <= high:
        raise _refuse("code_length", f"The code length must be between {low} and {high} digits.")
    return length


def channels(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise _refuse("channels", "Choose at least one channel.")
    chosen = [str(c) for c in value]
    unknown = sorted(set(chosen) - set(Channel.values))
    if unknown:
        raise _refuse("channels", f"Unknown channel: {', '.join(unknown)}.")
    return [c for c in Channel.values if c in chosen]


def locale(value: Any, field: str = "default_locale", *, blank: bool = False) -> str:
    text = str(value or "").strip()
    if blank and not text:
        return ""
    if text not in LOCALES:
        raise _refuse(field, f"'{text}' is not a language Twilio Verify supports.")
    return text


def template_sid(value: Any) -> str:
    text = str(value or "").strip()
    if text and not _TEMPLATE_SID.match(text):
        raise _refuse("template_sid", "A Verify template SID starts with HJ and has 34 characters.")
    return text


def countries(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _refuse("allowed_countries", "Give a list of two-letter country codes.")
    codes = sorted({str(c).strip().upper() for c in value if str(c).strip()})
    unknown = [c for c in codes if c not in COUNTRIES]
    if unknown:
        raise _refuse("allowed_countries", f"Unknown country code: {', '.join(unknown)}.")
    return codes


def limit(value: Any, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise _refuse(field, "The limit must be a whole number.") from None
    if not 1 <= number <= LIMIT_MAX:
        raise _refuse(field, f"The limit must be between 1 and {LIMIT_MAX:,}.")
    return number


def boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise _refuse(field, "Must be true or false.")
    return value


def brand_color(value: Any) -> str:
    text = str(value or "").strip()
    if not _COLOR.match(text):
        raise _refuse("brand_color", "The colour must look like #2563eb.")
    return text.lower()


def origins(value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise _refuse("allowed_origins", "Give a list of origins like https://shop.example.com.")
    clean = [str(o).strip().rstrip("/") for o in value if str(o).strip()]
    bad = [o for o in clean if not _ORIGIN.match(o)]
    if bad:
        raise _refuse("allowed_origins", f"Not an origin (scheme://host[:port]): {', '.join(bad)}.")
    return sorted(set(clean))


def logo_url(value: Any) -> str:
    text = str(value or "").strip()
    if text and not re.match(r"^https?://\S+$", text):
        raise _refuse("logo_url", "The logo must be an http(s) URL.")
    if len(text) > 500:
        raise _refuse("logo_url", "The logo URL can have at most 500 characters.")
    return text


CHECKERS = {
    "brand_name": brand_name,
    "code_length": code_length,
    "channels": channels,
    "default_locale": locale,
    "template_sid": template_sid,
    "allowed_countries": countries,
    "per_number_hourly_limit": lambda v: limit(v, "per_number_hourly_limit"),
    "per_ip_hourly_limit": lambda v: limit(v, "per_ip_hourly_limit"),
    "prefix_burst_limit": lambda v: limit(v, "prefix_burst_limit"),
    "lookup_enabled": lambda v: boolean(v, "lookup_enabled"),
    "do_not_share_warning": lambda v: boolean(v, "do_not_share_warning"),
    "brand_color": brand_color,
    "allowed_origins": origins,
    "logo_url": logo_url,
}
# The settings that live at Twilio too (pushed to the service), by the gateway's names.
TWILIO_FIELDS = {
    "brand_name": "friendly_name",
    "code_length": "code_length",
    "lookup_enabled": "lookup_enabled",
    "do_not_share_warning": "do_not_share_warning_enabled",
    "template_sid": "default_template_sid",
}


def clean(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(CHECKERS))
    if unknown:
        raise _refuse(unknown[0], f"'{unknown[0]}' is not a Verify setting.")
    return {name: CHECKERS[name](value) for name, value in changes.items()}
