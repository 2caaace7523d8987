"""The optional parameters of Start Verification, checked as Twilio checks them."""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field

from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.resources.verify_services import catalogue, rules
from sandbox.resources.verify_services.models import VerifyService

MAX_TAGS = 10
MAX_TAG_LENGTH = 128
_SEND_DIGITS = re.compile(r"^[0-9#*w]{1,32}$")
TEMPLATE_NOT_FOUND = 60228
TEMPLATE_CHANNEL = 60408
CUSTOM_MESSAGE_UNMATCHED = 60409
APP_HASH_CHANNEL = 60602


@dataclass
class StartOptions:
    friendly_name: str
    custom_code: str = ""
    template: catalogue.Template | None = None
    substitutions: dict[str, str] = field(default_factory=dict)
    app_hash: str = ""
    amount: str = ""
    payee: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    email: dict = field(default_factory=dict)
    rate_limits: dict = field(default_factory=dict)


def _json_object(raw: str | None, name: str) -> dict:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise rules.invalid(name, "is not valid JSON") from None
    if not isinstance(value, dict):
        raise rules.invalid(name, "must be a JSON object")
    return value


def _tags(raw: str | None) -> dict[str, str]:
    tags = _json_object(raw, "Tags")
    if len(tags) > MAX_TAGS:
        raise rules.invalid("Tags", f"at most {MAX_TAGS} tags")
    for key, value in tags.items():
        if not isinstance(value, str) or len(key) > MAX_TAG_LENGTH or len(value) > MAX_TAG_LENGTH:
            raise rules.invalid(
                "Tags", f"keys and values are strings of at most {MAX_TAG_LENGTH} characters"
            )
    return tags


def _template(req: SandboxRequest, service: VerifyService, channel: str):
    sid = req.get("TemplateSid")
    if sid:
        if channel not in ("sms", "call"):
            raise TwilioError(TEMPLATE_CHANNEL, 400, "TemplateSid is only for SMS and voice")
        template = catalogue.find(sid)
        wanted = "voice" if channel == "call" else "sms"
        if template is None or wanted not in template.channels:
            raise TwilioError(TEMPLATE_NOT_FOUND, 400, f"Template not found: {sid}")
        return template
    if channel == "sms":
        return catalogue.find(service.default_template_sid)
    return None


def _custom_code(req: SandboxRequest, service: VerifyService) -> str:
    code = req.get("CustomCode") or ""
    if not code:
        return ""
    if not service.custom_code_enabled:
        raise rules.invalid("CustomCode", "custom codes are not enabled on this service")
    if not 4 <= len(code) <= 10 or not code.isalnum():
        raise rules.invalid("CustomCode", "must be 4 to 10 letters or digits")
    return code


def _psd2(req: SandboxRequest, service: VerifyService) -> tuple[str, str]:
    amount, payee = req.get("Amount") or "", req.get("Payee") or ""
    if (amount or payee) and not service.psd2_enabled:
        raise rules.invalid("Amount" if amount else "Payee", "requires Psd2Enabled on the service")
    if service.psd2_enabled and not (amount and payee):
        raise rules.invalid("Amount" if not amount else "Payee", "is required by PSD2")
    return amount, payee


def _misc(req: SandboxRequest, channel: str) -> None:
    if req.get("CustomMessage"):
        raise TwilioError(
            CUSTOM_MESSAGE_UNMATCHED, 400, "The custom message matched no approved template"
        )
    device_ip = req.get("DeviceIp")
    if device_ip:
        try:
            ipaddress.ip_address(device_ip)
        except ValueError:
            raise rules.invalid("DeviceIp", f"{device_ip} is not an IP address") from None
    digits = req.get("SendDigits")
    if digits and (channel != "call" or not _SEND_DIGITS.match(digits)):
        raise rules.invalid("SendDigits", "digits, #, * and w, for calls only")
    rules.boolean(req.get("EnableSnaClientToken"), "EnableSnaClientToken")


def read(req: SandboxRequest, service: VerifyService, channel: str) -> StartOptions:
    custom_name = req.get("CustomFriendlyName")
    name = (
        rules.friendly_name(custom_name, "CustomFriendlyName")
        if custom_name
        else service.friendly_name
    )
    _misc(req, channel)
    app_hash = req.get("AppHash") or ""
    if app_hash and channel != "sms":
        raise TwilioError(APP_HASH_CHANNEL, 400, "AppHash can only be used with the SMS channel")
    substitutions = _json_object(
        req.get("TemplateCustomSubstitutions"), "TemplateCustomSubstitutions"
    )
    email = _json_object(req.get("ChannelConfiguration"), "ChannelConfiguration")
    if email and channel != "email":
        raise rules.invalid("ChannelConfiguration", "is for the email channel only")
    amount, payee = _psd2(req, service)
    return StartOptions(
        friendly_name=name,
        custom_code=_custom_code(req, service),
        template=_template(req, service, channel),
        substitutions={str(k): str(v) for k, v in substitutions.items()},
        app_hash=app_hash,
        amount=amount,
        payee=payee,
        tags=_tags(req.get("Tags")),
        email=email,
        rate_limits=_json_object(req.get("RateLimits"), "RateLimits"),
    )
