"""Twilio SIDs: two letters and 32 lowercase hex digits."""

import re
import uuid

_SID = re.compile(r"^[A-Z]{2}[0-9a-fA-F]{32}$")


def new_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def is_sid(value: str | None, prefix: str) -> bool:
    return bool(value) and value.startswith(prefix) and bool(_SID.match(value))
