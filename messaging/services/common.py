"""What every part of messaging's services shares: the refusal error, addresses, failing a
message before it reached Twilio, and reading Twilio's error codes."""

from functools import lru_cache
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from isvplatform import metrics
from messaging import events
from messaging.models import STATUS_RANK, Channel, Message, Status

WHATSAPP_PREFIX = "whatsapp:"
OPTED_OUT_CODE = 21610
NOT_SENT_OPTED_OUT = "Not sent: the recipient opted out (STOP) before the message went out."


class SendRefused(ValidationError):
    """A send refused before anything is stored; `.reason` is a stable machine-readable code,
    `.extra` what the error body adds beside it (e.g. the templates that would be allowed)."""

    def __init__(
        self,
        reason: str,
        message: str,
        field_name: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.reason = reason
        self.reason_message = message
        self.extra = extra or {}
        super().__init__({field_name: [message]} if field_name else message, code=reason)


CHANNELS = frozenset(Channel.values)  # `Channel.values` builds its list on every read


def check_channel(channel: str) -> None:
    if channel not in CHANNELS:
        raise ValidationError({"channel": f"Choose one of {', '.join(Channel.values)}."})


def strip_channel(address: str) -> tuple[str, str]:
    """`whatsapp:+1415…` -> ("whatsapp", "+1415…"); a bare number is SMS."""
    address = (address or "").strip()
    if address.lower().startswith(WHATSAPP_PREFIX):
        return Channel.WHATSAPP, address[len(WHATSAPP_PREFIX) :].strip()
    return Channel.SMS, address


def twilio_address(channel: str, number: str) -> str:
    return f"{WHATSAPP_PREFIX}{number}" if channel == Channel.WHATSAPP and number else number


@lru_cache(maxsize=4096)
def _e164(value: str) -> tuple[str | None, str]:
    """(the number in E.164, its region): "" when it doesn't parse, None when it isn't a
    valid number. Remembered, as a send's checks and its estimate read the same number, and
    the region comes out of the validity check anyway (a pure function)."""
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return "", ""
    region = phonenumbers.region_code_for_number(parsed) or ""
    if not phonenumbers.is_valid_number_for_region(parsed, region):
        return None, ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), region


def normalize_number(value: str, field_name: str = "to") -> str:
    """E.164 through phonenumbers; national US numbers are read as such."""
    number = _e164((value or "").strip())[0]
    if number == "":
        raise ValidationError({field_name: "Enter the number in E.164 format, like +14155550123."})
    if number is None:
        raise ValidationError({field_name: f"{value} is not a valid phone number."})
    return number


def normalize_email(value: str, field_name: str = "to") -> str:
    """An email address, lower-cased: the suppression list and threads compare it as such."""
    address = (value or "").strip().lower()
    if not address:
        raise ValidationError({field_name: "Enter an email address, like ana@example.com."})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({field_name: f"{value} is not a valid email address."}) from None
    return address


def normalize_address(value: str, channel: str, field_name: str = "to") -> str:
    """A recipient of `channel`: an email address on the email channel, else E.164."""
    if channel == Channel.EMAIL:
        return normalize_email(value, field_name)
    return normalize_number(value, field_name)


def number_region(number: str) -> str:
    """The region (e.g. "US") of a valid number, "" otherwise."""
    return _e164((number or "").strip())[1]


def parse_error_code(raw: Any) -> int | None:
    """Twilio's `ErrorCode` as an int; None when absent or not a number."""
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def mark_failed(message: Message, *, code: int | None, text: str) -> None:
    """Fail a message that never reached Twilio, and tell the tenant's webhooks."""
    now = timezone.now()
    message.status = Status.FAILED
    message.status_rank = STATUS_RANK[Status.FAILED]
    message.error_code = code
    message.error_message = text
    message.failed_at = now
    message.updated_at = now
    message.save(
        update_fields=[
            "status",
            "status_rank",
            "error_code",
            "error_message",
            "failed_at",
            "updated_at",
            "send_attempts",
            "claim_token",
            "claimed_until",
        ]
    )
    events.emit_message_status(message)
    transaction.on_commit(lambda: metrics.count_failed(message.channel, Status.FAILED, code))


def mark_unknown(message: Message, text: str) -> None:
    """Park a message whose send may or may not have reached Twilio: it is never sent again;
    the reconciler settles it from Twilio's side, or staff do."""
    message.status = Status.UNKNOWN
    message.status_rank = STATUS_RANK[Status.UNKNOWN]
    message.error_message = text
    message.updated_at = timezone.now()
    message.save(
        update_fields=[
            "status",
            "status_rank",
            "error_message",
            "updated_at",
            "claim_token",
            "claimed_until",
        ]
    )
    events.emit_message_status(message)
