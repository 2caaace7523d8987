"""A template in the Content API's words and back: the `types` object of a Content create
(twilio-api-facts §8, keys as Twilio spells them, §17), and the fields of a Content someone
made in Twilio's console, for the sync."""

from typing import TYPE_CHECKING, Any

from content.vocab import ButtonKind, ContentKind

if TYPE_CHECKING:
    from content.models import MessageTemplate

COPY_CODE_TEXT = "Copy code"


def _actions(template: "MessageTemplate") -> list[dict[str, Any]]:
    actions = []
    for button in template.buttons or []:
        kind = button.get("type")
        if kind == ButtonKind.QUICK_REPLY:
            action = {"type": kind, "title": button.get("title", "")}
            action["id"] = button.get("id") or button.get("title", "")
        elif kind == ButtonKind.URL:
            action = {"type": kind, "title": button.get("title", ""), "url": button.get("url")}
        elif kind == ButtonKind.PHONE_NUMBER:
            action = {"type": kind, "title": button.get("title", ""), "phone": button["phone"]}
        else:
            action = {"type": ButtonKind.COPY_CODE}
            action["copy_code_text"] = button.get("title") or COPY_CODE_TEXT
        actions.append(action)
    return actions


def content_types(template: "MessageTemplate") -> dict[str, dict[str, Any]]:
    """The `types` object of the template's Content, keyed by its one content type."""
    kind = template.content_type
    if kind == ContentKind.TEXT:
        value: dict[str, Any] = {"body": template.body}
    elif kind == ContentKind.MEDIA:
        value = {"body": template.body, "media": [template.media_url]}
    elif kind in (ContentKind.QUICK_REPLY, ContentKind.CALL_TO_ACTION):
        value = {"body": template.body, "actions": _actions(template)}
    elif kind == ContentKind.CARD:
        value = {"title": template.body}
        if template.footer:
            value["subtitle"] = template.footer
        if template.media_url:
            value["media"] = [template.media_url]
        if template.buttons:
            value["actions"] = _actions(template)
    else:
        value = {
            "add_security_recommendation": template.add_security_recommendation,
            "actions": _actions(template),
        }
        if template.code_expiration_minutes:
            value["code_expiration_minutes"] = template.code_expiration_minutes
    return {kind: value}


def _buttons(actions: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    buttons = []
    for action in actions or []:
        kind = action.get("type") or ButtonKind.QUICK_REPLY
        if kind == ButtonKind.COPY_CODE:
            buttons.append({"type": kind, "title": str(action.get("copy_code_text") or "")})
            continue
        button = {"type": str(kind), "title": str(action.get("title") or "")}
        for key in ("id", "url", "phone"):
            if action.get(key):
                button[key] = str(action[key])
        buttons.append(button)
    return buttons


def fields_from_types(types: dict[str, Any]) -> dict[str, Any] | None:
    """The authored fields of a Content's `types`, for the first type the platform authors;
    None when it has none of them (a list picker, a carousel…)."""
    kind = next((key for key in types if key in ContentKind.values), None)
    if kind is None:
        return None
    value = types[kind] or {}
    fields: dict[str, Any] = {"content_type": kind, "buttons": _buttons(value.get("actions"))}
    if kind == ContentKind.CARD:
        fields.update(body=value.get("title") or "", footer=value.get("subtitle") or "")
    elif kind != ContentKind.AUTHENTICATION:
        fields["body"] = value.get("body") or ""
    else:
        fields["add_security_recommendation"] = bool(value.get("add_security_recommendation"))
        minutes = value.get("code_expiration_minutes")
        fields["code_expiration_minutes"] = int(minutes) if minutes else None
    media = value.get("media") or []
    fields["media_url"] = str(media[0]) if media else ""
    return fields
