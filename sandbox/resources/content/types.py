"""What a Content create body may hold, checked as Twilio checks it.

The type keys are Twilio's (`twilio/text`, `twilio/quick-reply`, …, the `types` schema of
`twilio_content_v1.json`); the SDK 9.8.5 typed classes' `twilio_text` spelling is refused,
as Twilio refuses it. Every type is checked against its schema (required fields, no unknown
ones); the types the platform authors also get Twilio's and Meta's limits
(docs/content/twilio-text, twilio-quick-reply, twilio-call-to-action, twilio-card,
whatsapp-authentication; wave2-facts §1.1-1.2).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sandbox.core import formats, spec
from sandbox.core.errors import TwilioError

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
VARIABLE_KEY = re.compile(r"^[A-Za-z0-9_]{1,16}$")
MAX_VARIABLES = 100
MAX_VALUE = 1600
TEXT_BODY = 1600
TEMPLATE_BODY = 1024
BUTTON_TITLE = 25
BUTTON_ID = 200
MAX_BUTTONS = 10
MAX_URL_BUTTONS = 2
MAX_PHONE_BUTTONS = 1
CARD_SUBTITLE = 60
COPY_CODE_TEXT = 25
# Types Meta reviews, in the order the approval's `content_type` is picked.
APPROVABLE = (
    "whatsapp/authentication",
    "twilio/carousel",
    "twilio/catalog",
    "whatsapp/flows",
    "twilio/flows",
    "twilio/card",
    "whatsapp/card",
    "twilio/call-to-action",
    "twilio/quick-reply",
    "twilio/media",
    "twilio/text",
)
# Types that can't open a business-initiated WhatsApp conversation (error 63016).
SESSION_ONLY = ("twilio/list-picker", "twilio/location")


def bad(message: str) -> TwilioError:
    return TwilioError(21200, 400, message)


def _schema(name: str) -> dict:
    doc = spec.load_spec("content_v1")
    return spec.resolve_schema(doc, {"$ref": f"#/components/schemas/{name}"})


def type_schemas() -> dict[str, dict]:
    doc = spec.load_spec("content_v1")
    return {
        key: spec.resolve_schema(doc, ref) for key, ref in _schema("types")["properties"].items()
    }


def placeholders(text: str) -> list[str]:
    return [match.group(1) for match in PLACEHOLDER.finditer(text or "")]


def check_variables(variables) -> dict[str, str]:
    """The `variables` object: keys numeric or alphanumeric (≤16, no spaces), string values."""
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise bad("variables must be an object of variable names to sample values")
    if len(variables) > MAX_VARIABLES:
        raise bad(f"A content can have at most {MAX_VARIABLES} variables")
    for key, value in variables.items():
        if not VARIABLE_KEY.match(str(key)):
            raise bad(f"Invalid variable name '{key}': use letters, digits or _ (at most 16)")
        if not isinstance(value, str):
            raise bad(f"The value of variable '{key}' must be a string")
        if len(value) > MAX_VALUE:
            raise bad(f"The value of variable '{key}' exceeds {MAX_VALUE} characters")
    return dict(variables)


def _check_shape(key: str, value, schema: dict) -> None:
    """Required fields present, no field the schema doesn't list (additionalProperties)."""
    if not isinstance(value, dict):
        raise bad(f"types.{key} must be an object")
    allowed = schema.get("properties", {})
    for field in value:
        if field not in allowed:
            raise bad(f"types.{key}: unknown field '{field}'")
    for field in schema.get("required", ()):
        if value.get(field) in (None, "", []):
            raise bad(f"types.{key}: {field} is required")


def _length(key: str, field: str, value, limit: int) -> None:
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        raise bad(f"types.{key}: {field} must be a string of at most {limit} characters")


def _url_ok(url: str, *, variable_at_end: bool = True) -> bool:
    """An http(s) URL; a variable may only end it (`https://x.com/track/{{1}}`)."""
    if not isinstance(url, str):
        return False
    found = list(PLACEHOLDER.finditer(url))
    if found and (not variable_at_end or len(found) > 1 or found[-1].end() != len(url)):
        return False
    parts = urlsplit(PLACEHOLDER.sub("x", url))
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _media(key: str, media) -> None:
    if not isinstance(media, list) or not all(isinstance(m, str) for m in media):
        raise bad(f"types.{key}: media must be a list of URLs")
    for url in media:
        parts = urlsplit(PLACEHOLDER.sub("x", url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad(f"types.{key}: invalid media URL {url}")


def _actions(key: str, actions, allowed_types: tuple[str, ...], default: str = "") -> None:
    if not isinstance(actions, list) or not actions:
        raise bad(f"types.{key}: actions must be a non-empty list")
    if len(actions) > MAX_BUTTONS:
        raise bad(f"types.{key}: at most {MAX_BUTTONS} actions")
    counts: dict[str, int] = {}
    for index, action in enumerate(actions):
        if not isinstance(action, dict):
            raise bad(f"types.{key}: actions[{index}] must be an object")
        kind = action.get("type") or default
        if kind not in allowed_types:
            expected = ", ".join(allowed_types)
            raise bad(f"types.{key}: actions[{index}].type must be one of {expected}")
        counts[kind] = counts.get(kind, 0) + 1
        if key != "whatsapp/authentication":
            _length(key, f"actions[{index}].title", action.get("title"), BUTTON_TITLE)
            if not action.get("title"):
                raise bad(f"types.{key}: actions[{index}].title is required")
        _action_target(key, index, kind, action)
    if counts.get("URL", 0) > MAX_URL_BUTTONS:
        raise bad(f"types.{key}: at most {MAX_URL_BUTTONS} URL buttons")
    if counts.get("PHONE_NUMBER", 0) > MAX_PHONE_BUTTONS:
        raise bad(f"types.{key}: at most {MAX_PHONE_BUTTONS} phone number button")


def _action_target(key: str, index: int, kind: str, action: dict) -> None:
    where = f"types.{key}: actions[{index}]"
    if kind == "URL" and not _url_ok(action.get("url")):
        raise bad(f"{where}.url must be an http(s) URL with a variable only at its end")
    if kind == "PHONE_NUMBER" and not formats.is_e164(str(action.get("phone") or "")):
        raise bad(f"{where}.phone must be an E.164 phone number")
    if kind == "COPY_CODE" and key != "whatsapp/authentication" and not action.get("code"):
        raise bad(f"{where}.code is required for COPY_CODE")
    if kind == "QUICK_REPLY":
        _length(key, f"actions[{index}].id", action.get("id"), BUTTON_ID)


def _check_text(value: dict) -> None:
    _length("twilio/text", "body", value["body"], TEXT_BODY)


def _check_media(value: dict) -> None:
    _length("twilio/media", "body", value.get("body"), TEXT_BODY)
    _media("twilio/media", value["media"])


def _check_quick_reply(value: dict) -> None:
    _length("twilio/quick-reply", "body", value["body"], TEMPLATE_BODY)
    _actions("twilio/quick-reply", value["actions"], ("QUICK_REPLY",), default="QUICK_REPLY")


def _check_call_to_action(value: dict) -> None:
    _length("twilio/call-to-action", "body", value["body"], TEMPLATE_BODY)
    kinds = ("URL", "PHONE_NUMBER", "COPY_CODE", "VOICE_CALL", "VOICE_CALL_REQUEST")
    _actions("twilio/call-to-action", value["actions"], kinds)


def _check_card(value: dict) -> None:
    key = "twilio/card"
    if not value.get("title"):
        raise bad(f"types.{key}: title is required")
    _length(key, "title", value["title"], TEMPLATE_BODY)
    _length(key, "subtitle", value.get("subtitle"), CARD_SUBTITLE)
    if not any(value.get(f) for f in ("subtitle", "media", "actions")):
        raise bad(f"types.{key}: a card needs a title and at least one other field")
    if value.get("media") is not None:
        _media(key, value["media"])
    if value.get("actions") is not None:
        kinds = ("URL", "PHONE_NUMBER", "QUICK_REPLY", "COPY_CODE", "VOICE_CALL")
        _actions(key, value["actions"], kinds)


def _check_authentication(value: dict) -> None:
    key = "whatsapp/authentication"
    actions = value["actions"]
    _actions(key, actions, ("COPY_CODE",))
    if len(actions) != 1:
        raise bad(f"types.{key}: exactly one COPY_CODE action")
    if not actions[0].get("copy_code_text"):
        raise bad(f"types.{key}: actions[0].copy_code_text is required")
    _length(key, "actions[0].copy_code_text", actions[0].get("copy_code_text"), COPY_CODE_TEXT)
    minutes = value.get("code_expiration_minutes")
    if minutes is not None and (
        isinstance(minutes, bool) or not isinstance(minutes, int | float) or not 1 <= minutes <= 90
    ):
        raise bad(f"types.{key}: code_expiration_minutes must be between 1 and 90")
    flag = value.get("add_security_recommendation")
    if flag is not None and not isinstance(flag, bool):
        raise bad(f"types.{key}: add_security_recommendation must be a boolean")


_LIMITS = {
    "twilio/text": _check_text,
    "twilio/media": _check_media,
    "twilio/quick-reply": _check_quick_reply,
    "twilio/call-to-action": _check_call_to_action,
    "twilio/card": _check_card,
    "whatsapp/authentication": _check_authentication,
}


def check_types(types) -> dict:
    """The `types` object: at least one known type key, each valid."""
    if not isinstance(types, dict) or not types:
        raise bad("types must be an object with at least one content type")
    schemas = type_schemas()
    for key, value in types.items():
        if key not in schemas:
            raise bad(f"Invalid content type '{key}': expected one of {', '.join(schemas)}")
        _check_shape(key, value, schemas[key])
        if key in _LIMITS:
            _LIMITS[key](value)
    return types


def texts(types: dict) -> list[str]:
    """Every string of the content where a placeholder may appear."""
    found: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(types)
    return found


def check_placeholders(types: dict) -> None:
    for text in texts(types):
        for key in placeholders(text):
            if not VARIABLE_KEY.match(key):
                raise bad(f"Invalid variable '{{{{{key}}}}}': use letters, digits or _ (no spaces)")


def main_type(types: dict) -> str | None:
    """The type Meta reviews: None when the content has no WhatsApp-approvable type."""
    return next((key for key in APPROVABLE if key in types), None)


def body_of(types: dict, key: str | None = None) -> str:
    """The message text of a type (a card's title and subtitle)."""
    key = key or main_type(types) or next(iter(types), "")
    value = types.get(key) or {}
    if key == "twilio/card":
        return "\n".join(v for v in (value.get("title"), value.get("subtitle")) if v)
    if key == "whatsapp/authentication":
        return "{{1}} is your verification code."
    return value.get("body") or ""
