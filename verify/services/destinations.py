"""Reading the `to` of a verification: an E.164 phone number (with its country) for SMS,
WhatsApp and calls, an email address for email."""

import re

import phonenumbers

from verify.errors import VerifyRefused

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LENGTH = 254


def destination(to: str, channel: str) -> tuple[str, str]:
    """(`to` normalised, its ISO country; "" for an email)."""
    text = str(to or "").strip()
    if text.startswith("whatsapp:"):
        text = text.removeprefix("whatsapp:")
    if not text:
        raise VerifyRefused("invalid", "Enter where to send the code.", "to", 400)
    if len(text) > MAX_LENGTH:
        raise VerifyRefused("invalid", "The destination is too long.", "to", 400)
    if channel == "email":
        if not _EMAIL.match(text):
            raise VerifyRefused("invalid", f"{text} is not an email address.", "to", 400)
        return text.lower(), ""
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise VerifyRefused(
            "invalid",
            "Enter a valid phone number in E.164 format, like +14155550123.",
            "to",
            400,
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(parsed) or ""


def lookup_key(to: str) -> str:
    """How a stored attempt's `to` is looked up from what a caller typed (best effort)."""
    text = str(to or "").strip().removeprefix("whatsapp:")
    if "@" in text:
        return text.lower()
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return text
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
