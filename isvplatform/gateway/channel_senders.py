"""WhatsApp senders (Messaging v2 Channels Senders, messaging.twilio.com/v2/Channels/Senders).

A sender is a tenant's number registered with Meta under the tenant's WhatsApp Business
Account (WABA id from Meta's Embedded Signup). These act for the account whose client is
passed: the tenant's subaccount, which must own the number.

The bodies are JSON. The SDK's typed request classes (twilio 9.8.5) send every key they know
as `null` when it is unset, and know no `account_type`; Twilio's spec reads `null` as "not
given" but the platform says only what it means: the body is built as Twilio documents it
(`messaging.v2.channels_sender.requests.*` in twilio_messaging_v2.json) and passed as an
object with `to_dict()`, which is all the SDK's `create`/`update` call on it (the Content API
analogue: twilio-api-facts.md §17).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors

CHANNEL = "whatsapp"
PROFILE_FIELDS = frozenset(
    {"name", "about", "address", "description", "logo_url", "vertical", "websites", "emails"}
)
WEBHOOK_FIELDS = frozenset(
    {"callback_url", "callback_method", "fallback_url", "fallback_method", "status_callback_url"}
)


@dataclass(frozen=True)
class WhatsAppSenderInfo:
    sid: str
    status: str
    sender_id: str
    waba_id: str
    verification_method: str
    quality_rating: str
    messaging_limit: str
    offline_reasons: tuple[dict, ...] = ()
    profile: dict = field(default_factory=dict, compare=False)

    @property
    def phone_number(self) -> str:
        return self.sender_id.removeprefix(f"{CHANNEL}:")


class _JsonBody(dict):
    """The request body as Twilio documents it; the SDK serialises `to_dict()`."""

    def to_dict(self) -> dict:
        return dict(self)


def _sender(instance: Any) -> WhatsAppSenderInfo:
    configuration = instance.configuration or {}
    properties = instance.properties or {}
    return WhatsAppSenderInfo(
        sid=instance.sid,
        status=str(instance.status or ""),
        sender_id=instance.sender_id or "",
        waba_id=configuration.get("waba_id") or "",
        verification_method=configuration.get("verification_method") or "",
        quality_rating=properties.get("quality_rating") or "",
        messaging_limit=properties.get("messaging_limit") or "",
        offline_reasons=tuple(dict(r) for r in instance.offline_reasons or ()),
        profile=dict(instance.profile or {}),
    )


def _given(values: Mapping[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in allowed and v not in (None, "", [], ())}


@translate_errors()
def create_whatsapp_sender(
    client: Client,
    *,
    phone_number: str,
    waba_id: str,
    profile: Mapping[str, Any],
    verification_method: str = "sms",
    webhook: Mapping[str, Any] | None = None,
) -> WhatsAppSenderInfo:
    """Register `phone_number` (E.164) as a WhatsApp sender under the WABA; it starts CREATING
    and Meta then sends the verification code to the number."""
    body = _JsonBody(
        sender_id=f"{CHANNEL}:{phone_number}",
        configuration={"waba_id": waba_id, "verification_method": verification_method},
        profile=_given(profile, PROFILE_FIELDS),
    )
    hooks = _given(webhook or {}, WEBHOOK_FIELDS)
    if hooks:
        body["webhook"] = hooks
    return _sender(client.messaging.v2.channels_senders.create(body))


@translate_errors()
def fetch_whatsapp_sender(client: Client, sid: str) -> WhatsAppSenderInfo:
    return _sender(client.messaging.v2.channels_senders(sid).fetch())


@translate_errors()
def verify_whatsapp_sender(client: Client, sid: str, code: str) -> str:
    """Submit the code Meta sent to the number; answers the sender's status (VERIFYING).
    A wrong code is a `RejectedRequest` and the sender stays PENDING_VERIFICATION."""
    body = _JsonBody(configuration={"verification_code": code})
    return str(client.messaging.v2.channels_senders(sid).update(body).status or "")


@translate_errors()
def resend_whatsapp_code(client: Client, sid: str, verification_method: str) -> str:
    """Have Meta send a new code to a sender waiting for one (by SMS or a voice call)."""
    body = _JsonBody(configuration={"verification_method": verification_method})
    return str(client.messaging.v2.channels_senders(sid).update(body).status or "")


@translate_errors()
def list_whatsapp_senders(client: Client, *, limit: int | None = None) -> list[WhatsAppSenderInfo]:
    return [
        _sender(s) for s in client.messaging.v2.channels_senders.list(channel=CHANNEL, limit=limit)
    ]


@translate_errors()
def delete_whatsapp_sender(client: Client, sid: str) -> None:
    client.messaging.v2.channels_senders(sid).delete()
