"""Verify's parameter rules: every bad value answers 400 / 60200 naming the parameter."""

from __future__ import annotations

import re

from sandbox.core.errors import TwilioError

INVALID_PARAMETER = 60200
MAX_FRIENDLY_NAME = 32
_DIGIT_RUN = re.compile(r"\d{5,}")


def invalid(name: str, reason: str) -> TwilioError:
    return TwilioError(INVALID_PARAMETER, 400, f"Invalid parameter `{name}`: {reason}")


def friendly_name(value: str | None, name: str = "FriendlyName") -> str:
    """Twilio's brand-name rules: 1 to 32 characters, no run of five or more digits (it
    would read as a code or a phone number in the message)."""
    value = (value or "").strip()
    if not value:
        raise invalid(name, "must not be empty")
    if len(value) > MAX_FRIENDLY_NAME:
        raise invalid(name, f"must be at most {MAX_FRIENDLY_NAME} characters long")
    if _DIGIT_RUN.search(value):
        raise invalid(name, "must not contain five or more consecutive digits")
    return value


def in_range(value: int | None, name: str, low: int, high: int) -> int | None:
    if value is not None and not low <= value <= high:
        raise invalid(name, f"must be between {low} and {high}")
    return value


def integer(raw: str | None, name: str) -> int | None:
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(name, f"{raw} is not an integer") from None


def boolean(raw: str | None, name: str) -> bool | None:
    if raw is None or raw == "":
        return None
    lowered = raw.lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(name, f"{raw} is not a boolean")
