"""Reading a service's create/update parameters into its columns, with Twilio's rules."""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.messaging_services.models import MessagingService, ServicePhoneNumber
from sandbox.resources.verify_services import catalogue, rules
from sandbox.resources.verify_services.models import VerifyService

BOOLEANS = {
    "LookupEnabled": "lookup_enabled",
    "SkipSmsToLandlines": "skip_sms_to_landlines",
    "DtmfInputRequired": "dtmf_input_required",
    "Psd2Enabled": "psd2_enabled",
    "DoNotShareWarningEnabled": "do_not_share_warning_enabled",
    "CustomCodeEnabled": "custom_code_enabled",
    "VerifyEventSubscriptionEnabled": "verify_event_subscription_enabled",
}
TOTP = {  # parameter -> (key, low, high, default)
    "Totp.TimeStep": ("time_step", 20, 60, 30),
    "Totp.CodeLength": ("code_length", 3, 8, 6),
    "Totp.Skew": ("skew", 0, 2, 1),
}
PASSKEY_CHOICES = {
    "Passkeys.AuthenticatorAttachment": (
        "authenticator_attachment",
        ("", "platform", "cross-platform", "any"),
    ),
    "Passkeys.DiscoverableCredentials": (
        "discoverable_credentials",
        ("", "required", "preferred", "discouraged"),
    ),
    "Passkeys.UserVerification": (
        "user_verification",
        ("", "required", "preferred", "discouraged"),
    ),
}


def apply(req: SandboxRequest, service: VerifyService) -> None:
    """Set every parameter the request carries on `service` (not saved)."""
    if req.has("FriendlyName"):
        service.friendly_name = rules.friendly_name(req.get("FriendlyName"))
    length = rules.integer(req.get("CodeLength"), "CodeLength")
    if length is not None:
        service.code_length = rules.in_range(length, "CodeLength", 4, 10)
    for name, attr in BOOLEANS.items():
        value = rules.boolean(req.get(name), name)
        if value is not None:
            setattr(service, attr, value)
    if service.skip_sms_to_landlines and not service.lookup_enabled:
        raise rules.invalid("SkipSmsToLandlines", "requires LookupEnabled")
    if req.has("TtsName"):
        service.tts_name = (req.get("TtsName") or "").strip()[:64]
    if req.has("DefaultTemplateSid"):
        service.default_template_sid = _template(req.get("DefaultTemplateSid"))
    _push(req, service)
    _totp(req, service)
    _passkeys(req, service)
    _whatsapp(req, service)


def _template(sid: str | None) -> str:
    if not sid:
        return ""
    template = catalogue.find(sid)
    if template is None:
        raise TwilioError(60228, 400, f"Template not found: {sid}")
    if "sms" not in template.channels:
        raise rules.invalid("DefaultTemplateSid", f"{sid} is not an SMS template")
    return sid


def _push(req: SandboxRequest, service: VerifyService) -> None:
    push = {"include_date": False, "apn_credential_sid": None, "fcm_credential_sid": None}
    push.update(service.push or {})
    include = rules.boolean(req.get("Push.IncludeDate"), "Push.IncludeDate")
    if include is not None:
        push["include_date"] = include
    for name, key in (
        ("Push.ApnCredentialSid", "apn_credential_sid"),
        ("Push.FcmCredentialSid", "fcm_credential_sid"),
    ):
        if req.has(name):
            value = req.get(name) or None
            if value and not value.startswith("CR"):
                raise rules.invalid(name, f"{value} is not a credential SID (CR…)")
            push[key] = value
    service.push = push


def _totp(req: SandboxRequest, service: VerifyService) -> None:
    totp = {"issuer": None, **{key: default for key, _, _, default in TOTP.values()}}
    totp.update(service.totp or {})
    if req.has("Totp.Issuer"):
        totp["issuer"] = (req.get("Totp.Issuer") or "").strip() or None
    for name, (key, low, high, _) in TOTP.items():
        value = rules.in_range(rules.integer(req.get(name), name), name, low, high)
        if value is not None:
            totp[key] = value
    service.totp = totp


def _passkeys(req: SandboxRequest, service: VerifyService) -> None:
    passkeys = {
        "relying_party": None,
        "authenticator_attachment": None,
        "discoverable_credentials": None,
        "user_verification": None,
    }
    passkeys.update(service.passkeys or {})
    party = dict(passkeys["relying_party"] or {"id": None, "name": None, "origins": []})
    touched = False
    for name, key in (("Passkeys.RelyingParty.Id", "id"), ("Passkeys.RelyingParty.Name", "name")):
        if req.has(name):
            party[key], touched = (req.get(name) or "").strip() or None, True
    if req.has("Passkeys.RelyingParty.Origins"):
        raw = req.get("Passkeys.RelyingParty.Origins") or ""
        party["origins"], touched = [o.strip() for o in raw.split(",") if o.strip()], True
    if touched:
        passkeys["relying_party"] = party
    for name, (key, choices) in PASSKEY_CHOICES.items():
        if req.has(name):
            value = req.get(name) or ""
            if value not in choices:
                raise rules.invalid(name, f"must be one of {', '.join(c for c in choices if c)}")
            passkeys[key] = value
    service.passkeys = passkeys


def _whatsapp(req: SandboxRequest, service: VerifyService) -> None:
    """`Whatsapp.MsgServiceSid` names a messaging service of the account; `Whatsapp.From`
    an online WhatsApp sender of the account in that service's sender pool."""
    if req.has("Whatsapp.MsgServiceSid"):
        sid = req.get("Whatsapp.MsgServiceSid") or ""
        if sid and not MessagingService.objects.filter(sid=sid, account=service.account).exists():
            raise rules.invalid("Whatsapp.MsgServiceSid", f"{sid} is not a messaging service")
        service.whatsapp_msg_service_sid = sid
    if req.has("Whatsapp.From"):
        raw = (req.get("Whatsapp.From") or "").strip()
        service.whatsapp_from = f"whatsapp:{formats.split_channel(raw)[1]}" if raw else ""
    if not service.whatsapp_from:
        return
    number = formats.split_channel(service.whatsapp_from)[1]
    sender = WhatsAppSender.objects.filter(
        phone_number=number, account=service.account, status=WhatsAppSender.Status.ONLINE
    ).first()
    if sender is None:
        raise rules.invalid("Whatsapp.From", f"{number} is not an online WhatsApp sender")
    if not service.whatsapp_msg_service_sid:
        raise rules.invalid("Whatsapp.From", "requires Whatsapp.MsgServiceSid")
    in_pool = ServicePhoneNumber.objects.filter(
        service__sid=service.whatsapp_msg_service_sid, phone_number__phone_number=number
    ).exists()
    if not in_pool:
        raise rules.invalid(
            "Whatsapp.From", f"{number} is not a sender of {service.whatsapp_msg_service_sid}"
        )
