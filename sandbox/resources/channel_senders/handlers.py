"""messaging.twilio.com/v2/Channels/Senders: create, list, fetch, update, delete (WhatsApp).

JSON bodies; create and update answer 202 (twilio_messaging_v2.json). An update answers only
the parts it carried (`webhook: null, profile: null` after a configuration update), as the
spec's examples show. A wrong verification code is refused with 400 and the sender stays
PENDING_VERIFICATION; an update with only `configuration.verification_method` while pending
has Meta send a new code (by that method).
"""

from __future__ import annotations

from sandbox.core.errors import TwilioError, invalid_param, missing_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.channel_senders import fields, lifecycle
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.phone_numbers.models import PhoneNumber

BASE = "https://messaging.twilio.com/v2/Channels/Senders"
S = WhatsAppSender.Status
PROFILE_KEYS, WEBHOOK_KEYS = fields.PROFILE_KEYS, fields.WEBHOOK_KEYS


def _configuration(sender: WhatsAppSender) -> dict:
    return {
        "waba_id": sender.waba_id or None,
        "verification_method": sender.verification_method or None,
        "verification_code": sender.submitted_code or None,
        "voice_application_sid": sender.voice_application_sid or None,
        "account_type": sender.account_type or None,
    }


def _webhook(sender: WhatsAppSender) -> dict:
    return {key: getattr(sender, key) or None for key in WEBHOOK_KEYS}


def _profile(sender: WhatsAppSender) -> dict:
    profile = {key: sender.profile.get(key) or None for key in PROFILE_KEYS}
    profile["name"] = sender.display_name or profile["name"]
    return profile


def sender_json(sender: WhatsAppSender, parts: tuple[str, ...] | None = None) -> dict:
    """The resource; `parts` limits the nested objects to those an update carried."""
    body = {
        "sid": sender.sid,
        "status": sender.status,
        "sender_id": sender.address,
        "configuration": _configuration(sender),
        "webhook": _webhook(sender),
        "profile": _profile(sender),
        "properties": {
            "quality_rating": sender.quality_rating or None,
            "messaging_limit": sender.messaging_limit or None,
        },
        "offline_reasons": sender.offline_reasons or None,
        "compliance": None,
        "url": f"{BASE}/{sender.sid}",
    }
    if parts is not None:
        for key in ("configuration", "webhook", "profile"):
            if key not in parts:
                body[key] = None
    return body


def _owned_number(req: SandboxRequest, number: str) -> PhoneNumber:
    owned = PhoneNumber.objects.filter(account=req.account, phone_number=number).first()
    if owned is None:
        raise invalid_param(
            "sender_id", f"sender_id: {number} is not a phone number of this account", code=21200
        )
    return owned


def _apply_webhook(sender: WhatsAppSender, values: dict) -> None:
    for key, value in values.items():
        setattr(sender, key, value)


def _apply_profile(sender: WhatsAppSender, values: dict) -> None:
    if "name" in values:
        sender.display_name = values["name"]
    sender.profile = {**sender.profile, **values}


@route("messaging", "POST", "/v2/Channels/Senders", status=202)
def create_sender(req: SandboxRequest) -> dict:
    payload = fields.body(req.json)
    number = fields.sender_number(payload)
    configuration = fields.configuration(payload)
    webhook = fields.webhook(payload)
    profile = fields.profile(payload)
    if not configuration.get("waba_id"):
        raise missing_param("configuration.waba_id")
    if not profile.get("name"):
        raise missing_param("profile.name")
    _owned_number(req, number)
    if WhatsAppSender.objects.filter(phone_number=number).exists():
        raise TwilioError(
            21200, 400, f"whatsapp:{number} is already registered as a WhatsApp sender"
        )
    sender = WhatsAppSender(
        sid=new_sid("XE"),
        account=req.account,
        phone_number=number,
        status=S.CREATING,
        waba_id=configuration["waba_id"],
        verification_method=configuration.get("verification_method") or "sms",
        voice_application_sid=configuration.get("voice_application_sid") or "",
        account_type=configuration.get("account_type") or "",
        next_transition_at=req.now + lifecycle.CREATE_DELAY,
        date_created=req.now,
        date_updated=req.now,
    )
    _apply_webhook(sender, webhook)
    _apply_profile(sender, profile)
    sender.save()
    return sender_json(sender)


def _scope(req: SandboxRequest):
    return WhatsAppSender.objects.select_related("account").filter(account=req.account)


@route("messaging", "GET", "/v2/Channels/Senders")
def list_senders(req: SandboxRequest) -> dict:
    channel = req.q("Channel")
    if not channel:
        raise missing_param("Channel")
    if channel not in ("whatsapp", "rcs"):
        raise invalid_param("Channel", "Channel must be whatsapp or rcs")
    rows = _scope(req) if channel == "whatsapp" else _scope(req).none()
    return meta_page(req, "senders", rows.order_by("date_created", "id"), sender_json)


def _sender(req: SandboxRequest) -> WhatsAppSender:
    sender = _scope(req).filter(sid=req.arg("Sid")).first()
    if sender is None:
        raise not_found(req.path)
    return sender


@route("messaging", "GET", "/v2/Channels/Senders/{Sid}")
def fetch_sender(req: SandboxRequest) -> dict:
    return sender_json(_sender(req))


def _verify(req: SandboxRequest, sender: WhatsAppSender, configuration: dict) -> None:
    """A submitted code (or a request for a new one) while the sender waits for it."""
    code = configuration.get("verification_code")
    if code is None:
        if "verification_method" in configuration and sender.status == S.PENDING_VERIFICATION:
            sender.verification_method = configuration["verification_method"]
            lifecycle.send_code(sender, req.now)
        return
    if sender.status != S.PENDING_VERIFICATION:
        raise TwilioError(
            21200,
            400,
            f"The sender is {sender.status}; a verification code is taken only while it is "
            "PENDING_VERIFICATION",
        )
    if not sender.otp or lifecycle.digits(code) != sender.otp:
        raise invalid_param(
            "configuration.verification_code",
            f"The verification code does not match the code sent to {sender.phone_number}",
        )
    sender.submitted_code = code
    sender.status = S.VERIFYING
    sender.next_transition_at = req.now + lifecycle.VERIFY_DELAY


@route("messaging", "POST", "/v2/Channels/Senders/{Sid}", status=202)
def update_sender(req: SandboxRequest) -> dict:
    sender = _sender(req)
    payload = fields.body(req.json)
    configuration = fields.configuration(payload)
    webhook = fields.webhook(payload)
    profile = fields.profile(payload)
    if "waba_id" in configuration and configuration["waba_id"] != sender.waba_id:
        raise invalid_param("configuration.waba_id", "The WABA of a sender cannot be changed")
    _verify(req, sender, configuration)
    if "voice_application_sid" in configuration:
        sender.voice_application_sid = configuration["voice_application_sid"]
    if "account_type" in configuration:
        sender.account_type = configuration["account_type"]
    _apply_webhook(sender, webhook)
    _apply_profile(sender, profile)
    sender.date_updated = req.now
    sender.save()
    parts = tuple(key for key in ("configuration", "webhook", "profile") if payload.get(key))
    return sender_json(sender, parts)


@route("messaging", "DELETE", "/v2/Channels/Senders/{Sid}")
def delete_sender(req: SandboxRequest) -> None:
    _sender(req).delete()
