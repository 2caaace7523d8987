"""Value formats Twilio uses on the wire: dates, booleans, money, E.164."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from email.utils import format_datetime

import phonenumbers

from sandbox.core.errors import invalid_param

UTC = dt.UTC
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
_NANP = re.compile(r"^\+1[2-9]\d{2}[2-9]\d{6}$")


def rfc2822(value: dt.datetime | None) -> str | None:
    """v2010 timestamps, e.g. `Thu, 30 Jul 2015 20:12:31 +0000`."""
    if value is None:
        return None
    return format_datetime(value.astimezone(UTC).replace(microsecond=0))


def iso8601(value: dt.datetime | None) -> str | None:
    """v1/v2 timestamps; the SDK parses exactly `%Y-%m-%dT%H:%M:%SZ`."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_bool(value: str | None, name: str, default: bool | None = None) -> bool | None:
    if value is None or value == "":
        return default
    lowered = value.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid_param(name, f"Invalid boolean value for {name}: {value}")


def parse_int(value: str | None, name: str, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise invalid_param(name, f"Invalid integer value for {name}: {value}")


def parse_date(value: str, name: str) -> dt.date:
    """Twilio accepts `YYYY-MM-DD` (and ISO date-times, of which it keeps the date)."""
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise invalid_param(name, f"Invalid date value for {name}: {value}")


def price(value: Decimal | None) -> str | None:
    """Twilio reports prices as strings with five decimals, e.g. `-0.00790`."""
    if value is None:
        return None
    return f"{value:.5f}"


def is_e164(value: str) -> bool:
    """A structurally valid E.164 number, as Twilio requires for `To`.

    NANP numbers must have a valid area code and exchange; other countries must have a
    possible length for their country code.
    """
    if not _E164.match(value):
        return False
    if value.startswith("+1"):
        return bool(_NANP.match(value))
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value))
    except phonenumbers.NumberParseException:
        return False


def split_channel(address: str) -> tuple[str, str]:
    """`whatsapp:+1555...` -> ("whatsapp", "+1555..."); `+1555...` -> ("sms", "+1555...")."""
    if ":" in address:
        channel, _, number = address.partition(":")
        return channel.lower(), number
    return "sms", address
