"""Content API v1 (content.twilio.com): message templates and their WhatsApp approval.

These act for the account whose client is passed: the tenant's subaccount. Create posts the
JSON body Twilio documents itself: the SDK 9.8.5 typed classes spell the type keys
`twilio_text`, `twilio_quick_reply`… where Twilio's API says `twilio/text`,
`twilio/quick-reply`… (twilio-api-facts §17), and `contents.create` posts whatever object's
`to_dict()` it is given, so `_JsonBody` carries the documented keys.
"""

from collections.abc import Mapping
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import ContentApproval, ContentTemplate

# Twilio's content type keys (the `types` schema of twilio_content_v1.json).
CONTENT_TYPES = frozenset(
    {
        "twilio/text",
        "twilio/media",
        "twilio/location",
        "twilio/list-picker",
        "twilio/call-to-action",
        "twilio/quick-reply",
        "twilio/card",
        "twilio/catalog",
        "twilio/carousel",
        "twilio/flows",
        "twilio/schedule",
        "whatsapp/card",
        "whatsapp/authentication",
        "whatsapp/flows",
    }
)
WHATSAPP_CATEGORIES = frozenset({"UTILITY", "MARKETING", "AUTHENTICATION"})


class _JsonBody:
    """A request body for the SDK's JSON create calls: posted as `to_dict()` returns it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _approval(content_sid: str, data: Mapping[str, Any] | None) -> ContentApproval:
    data = data or {}
    return ContentApproval(
        content_sid=content_sid,
        name=str(data.get("name") or ""),
        category=str(data.get("category") or ""),
        content_type=str(data.get("content_type") or ""),
        status=str(data.get("status") or "unsubmitted"),
        rejection_reason=str(data.get("rejection_reason") or ""),
        allow_category_change=data.get("allow_category_change"),
    )


def _content(instance: Any, approval: ContentApproval | None = None) -> ContentTemplate:
    return ContentTemplate(
        sid=instance.sid,
        account_sid=instance.account_sid or "",
        friendly_name=instance.friendly_name or "",
        language=instance.language or "",
        variables=dict(instance.variables or {}),
        types=dict(instance.types or {}),
        date_created=instance.date_created,
        date_updated=instance.date_updated,
        approval=approval,
    )


def build_content_body(
    *,
    language: str,
    types: Mapping[str, Mapping[str, Any]],
    friendly_name: str = "",
    variables: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The create body as Twilio documents it. Raises ValueError for a type key Twilio
    doesn't know (such as the SDK's `twilio_text`), before anything is sent."""
    unknown = sorted(set(types) - CONTENT_TYPES)
    if unknown or not types:
        raise ValueError(f"unknown content type(s) {unknown}: use Twilio's keys, e.g. twilio/text")
    body: dict[str, Any] = {
        "language": language,
        "types": {key: dict(value) for key, value in types.items()},
    }
    if friendly_name:
        body["friendly_name"] = friendly_name
    if variables:
        body["variables"] = {str(k): str(v) for k, v in variables.items()}
    return body


@translate_errors()
def create_content(
    client: Client,
    *,
    language: str,
    types: Mapping[str, Mapping[str, Any]],
    friendly_name: str = "",
    variables: Mapping[str, str] | None = None,
) -> ContentTemplate:
    """Create a Content item; `types` keyed by Twilio's names (`{"twilio/text": {"body":
    "Hi {{1}}"}}`), `variables` the sample/default value of each placeholder."""
    body = build_content_body(
        language=language, types=types, friendly_name=friendly_name, variables=variables
    )
    return _content(client.content.v1.contents.create(_JsonBody(body)))


@translate_errors()
def fetch_content(client: Client, sid: str) -> ContentTemplate:
    return _content(client.content.v1.contents(sid).fetch())


@translate_errors()
def delete_content(client: Client, sid: str) -> None:
    client.content.v1.contents(sid).delete()


@translate_errors()
def list_contents_and_approvals(
    client: Client, *, page_size: int = 50, limit: int | None = None
) -> list[ContentTemplate]:
    """Every Content of the account with its WhatsApp approval, newest first; the SDK
    follows Twilio's pages (`page_size` per request, at most 1000)."""
    found = client.content.v1.content_and_approvals.list(
        page_size=min(max(page_size, 1), 1000), limit=limit
    )
    return [_content(i, _approval(i.sid, i.approval_requests)) for i in found]


@translate_errors()
def submit_whatsapp_approval(
    client: Client, content_sid: str, *, name: str, category: str
) -> ContentApproval:
    """Submit the Content to WhatsApp (Meta) review under `name` (lower-case letters,
    digits, `_`) and `category` (UTILITY, MARKETING or AUTHENTICATION)."""
    category = category.upper()
    if category not in WHATSAPP_CATEGORIES:
        raise ValueError(f"category must be one of {sorted(WHATSAPP_CATEGORIES)}")
    created = client.content.v1.contents(content_sid).approval_create.create(
        _JsonBody({"name": name, "category": category})
    )
    return ContentApproval(
        content_sid=content_sid,
        name=created.name or "",
        category=created.category or "",
        content_type=created.content_type or "",
        status=created.status or "",
        rejection_reason=created.rejection_reason or "",
        allow_category_change=created.allow_category_change,
    )


@translate_errors()
def fetch_approval_status(client: Client, content_sid: str) -> ContentApproval:
    """The Content's WhatsApp approval now (`status` `unsubmitted` before submission)."""
    fetched = client.content.v1.contents(content_sid).approval_fetch().fetch()
    return _approval(content_sid, fetched.whatsapp)
