"""Twilio Verify v2: a tenant's Verify service (`VA…`), its verifications (`VE…`) and checks.

Like the other product modules these act for the account whose client is passed: the
tenant's subaccount. The code a person receives never passes through here: Twilio generates
and sends it, and a check only carries what the person typed.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors

# The service settings the platform manages, by the SDK's keyword names.
SERVICE_FIELDS = frozenset(
    {
        "friendly_name",
        "code_length",
        "lookup_enabled",
        "do_not_share_warning_enabled",
        "custom_code_enabled",
        "default_template_sid",
    }
)


@dataclass(frozen=True)
class VerifyServiceInfo:
    sid: str
    friendly_name: str
    code_length: int | None
    lookup_enabled: bool | None
    do_not_share_warning_enabled: bool | None
    custom_code_enabled: bool | None
    default_template_sid: str
    date_updated: datetime | None


@dataclass(frozen=True)
class VerificationResult:
    """A verification as Twilio answers it (no code: Twilio keeps it)."""

    sid: str
    service_sid: str
    to: str
    channel: str
    status: str
    valid: bool
    date_created: datetime | None
    date_updated: datetime | None


def _service(instance: Any) -> VerifyServiceInfo:
    return VerifyServiceInfo(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        code_length=instance.code_length,
        lookup_enabled=instance.lookup_enabled,
        do_not_share_warning_enabled=instance.do_not_share_warning_enabled,
        custom_code_enabled=instance.custom_code_enabled,
        default_template_sid=instance.default_template_sid or "",
        date_updated=instance.date_updated,
    )


def _verification(instance: Any) -> VerificationResult:
    return VerificationResult(
        sid=instance.sid,
        service_sid=instance.service_sid or "",
        to=instance.to or "",
        channel=str(instance.channel or ""),
        status=str(instance.status or ""),
        valid=bool(instance.valid),
        date_created=instance.date_created,
        date_updated=instance.date_updated,
    )


def _settings(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - SERVICE_FIELDS
    if unknown:
        raise ValueError(f"unknown Verify service settings: {', '.join(sorted(unknown))}")
    return {k: v for k, v in fields.items() if v is not None}


@translate_errors()
def create_verify_service(client: Client, **fields: Any) -> VerifyServiceInfo:
    """Create a Verify service; `fields` are `SERVICE_FIELDS` (`friendly_name` required)."""
    return _service(client.verify.v2.services.create(**_settings(fields)))


@translate_errors()
def fetch_verify_service(client: Client, sid: str) -> VerifyServiceInfo:
    return _service(client.verify.v2.services(sid).fetch())


@translate_errors()
def update_verify_service(client: Client, sid: str, **fields: Any) -> VerifyServiceInfo:
    return _service(client.verify.v2.services(sid).update(**_settings(fields)))


@translate_errors()
def delete_verify_service(client: Client, sid: str) -> None:
    client.verify.v2.services(sid).delete()


@translate_errors()
def find_verify_service(client: Client, friendly_name: str) -> VerifyServiceInfo | None:
    """The account's service named exactly `friendly_name`, if any (for adopting a service
    a worker created before it could record the SID)."""
    for instance in client.verify.v2.services.stream(page_size=50):
        if instance.friendly_name == friendly_name:
            return _service(instance)
    return None


@translate_errors()
def start_verification(
    client: Client, service_sid: str, *, to: str, channel: str, locale: str = ""
) -> VerificationResult:
    """Ask Twilio to send a code to `to` over `channel` (a resend within 10 minutes sends
    the same code)."""
    options: dict[str, Any] = {"locale": locale} if locale else {}
    return _verification(
        client.verify.v2.services(service_sid).verifications.create(
            to=to, channel=channel, **options
        )
    )


@translate_errors()
def fetch_verification(client: Client, service_sid: str, sid: str) -> VerificationResult:
    return _verification(client.verify.v2.services(service_sid).verifications(sid).fetch())


@translate_errors()
def update_verification(
    client: Client, service_sid: str, sid: str, *, status: str
) -> VerificationResult:
    """Cancel (`canceled`) or approve (`approved`) a pending verification."""
    return _verification(
        client.verify.v2.services(service_sid).verifications(sid).update(status=status)
    )


@translate_errors()
def check_verification(
    client: Client,
    service_sid: str,
    *,
    code: str,
    to: str | None = None,
    verification_sid: str | None = None,
) -> VerificationResult:
    """Check a code, by destination or by verification SID; a wrong code is no error
    (`status` stays `pending`, `valid` is false)."""
    target = {"verification_sid": verification_sid} if verification_sid else {"to": to}
    return _verification(
        client.verify.v2.services(service_sid).verification_checks.create(code=code, **target)
    )
