"""A Content sent as a message: `ContentSid` + `ContentVariables` checked as Twilio checks
them, and the template rendered (variables substituted) into what the handset shows.

Values come from `ContentVariables`, else the content's own `variables` (Twilio's defaults);
a placeholder with neither stays unfilled and the send fails later (63028). Errors at create:
21654 ContentVariables without ContentSid, 21655 unknown (or another account's) ContentSid,
21656 ContentVariables not a JSON object of strings, 21658 a value over 1,600 characters,
35127 Body together with ContentVariables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sandbox.core.errors import TwilioError
from sandbox.resources.content import types as content_types
from sandbox.resources.content.models import Content

BUTTON_KINDS = ("QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "VOICE_CALL")


@dataclass(frozen=True)
class Button:
    kind: str
    title: str
    payload: str = ""  # a quick reply's id (`ButtonPayload` when tapped)
    target: str = ""  # a URL, phone number or code


@dataclass
class Rendered:
    body: str
    media_urls: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    footer: str = ""
    missing: list[str] = field(default_factory=list)
    content_type: str = ""


def parse_variables(raw: str) -> dict[str, str]:
    if not raw:
        return {}
    try:
        values = json.loads(raw)
    except ValueError:
        values = None
    if not isinstance(values, dict) or not all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in values.values()
    ):
        raise TwilioError(21656, 400, "The ContentVariables Parameter is invalid")
    values = {str(k): str(v) for k, v in values.items()}
    if any(len(v) > content_types.MAX_VALUE for v in values.values()):
        raise TwilioError(21658, 400, "Parameter exceeded character limit")
    return values


def content_for_send(account, content_sid: str, raw_variables: str, body: str) -> Content | None:
    """The content a Messages create names, or None; raises Twilio's create-time errors."""
    if raw_variables and not content_sid:
        raise TwilioError(21654, 400, "ContentSid Required")
    if not content_sid:
        return None
    if raw_variables and body:
        raise TwilioError(
            35127, 400, "Body and ContentVariables cannot be used together; use ContentSid"
        )
    parse_variables(raw_variables)
    content = Content.objects.filter(sid=content_sid, account=account).first()
    if content is None:
        raise TwilioError(21655, 400, "The ContentSid is Invalid")
    return content


def _fill(text: str, values: dict[str, str], missing: list[str]) -> str:
    def one(match) -> str:
        key = match.group(1)
        if key in values and values[key] != "":
            return values[key]
        if key not in missing:
            missing.append(key)
        return match.group(0)

    return content_types.PLACEHOLDER.sub(one, text or "")


def _buttons(actions: list, values: dict[str, str], missing: list[str]) -> list[Button]:
    found = []
    for action in actions or ():
        kind = action.get("type") or "QUICK_REPLY"
        title = _fill(action.get("title") or action.get("copy_code_text") or "", values, missing)
        target = action.get("url") or action.get("phone") or action.get("code") or ""
        found.append(
            Button(
                kind,
                title,
                payload=_fill(action.get("id") or "", values, missing),
                target=_fill(target, values, missing),
            )
        )
    return found


def _authentication(value: dict, values: dict[str, str], missing: list[str]) -> Rendered:
    """Meta's fixed OTP text: the code, the security note, the expiry, a copy-code button."""
    code = _fill("{{1}}", values, missing)
    body = f"*{code}* is your verification code."
    if value.get("add_security_recommendation"):
        body += " For your security, do not share this code."
    minutes = value.get("code_expiration_minutes")
    footer = f"This code expires in {int(minutes)} minutes." if minutes else ""
    action = (value.get("actions") or [{}])[0]
    button = Button("COPY_CODE", action.get("copy_code_text") or "Copy code", target=code)
    return Rendered(body, buttons=[button], footer=footer)


def type_for(content: Content, channel: str) -> str:
    """The type a channel shows: on WhatsApp the reviewed one; on SMS/MMS Twilio's fallback
    `twilio/text` (or `twilio/media`) when the content has one."""
    if channel != "whatsapp":
        for key in ("twilio/text", "twilio/media"):
            if key in content.types:
                return key
    return content_types.main_type(content.types) or next(iter(content.types))


def render(content: Content, raw_variables: str, channel: str = "whatsapp") -> Rendered:
    """The message the recipient sees on `channel`, its variables filled in."""
    values = {**content.variables, **parse_variables(raw_variables)}
    key = type_for(content, channel)
    value = content.types[key]
    missing: list[str] = []
    if key == "whatsapp/authentication":
        rendered = _authentication(value, values, missing)
    else:
        rendered = Rendered(
            _fill(content_types.body_of(content.types, key), values, missing),
            media_urls=[_fill(url, values, missing) for url in value.get("media") or ()],
            buttons=_buttons(value.get("actions"), values, missing),
            footer=_fill(value.get("footer") or "", values, missing),
        )
    rendered.missing, rendered.content_type = missing, key
    return rendered
