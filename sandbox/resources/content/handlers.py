"""content.twilio.com/v1: Content (create, list, fetch, delete), ContentAndApprovals (list),
the WhatsApp approval request (create) and the approval status (fetch)."""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError, missing_param, not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.content import lifecycle, review
from sandbox.resources.content import types as content_types
from sandbox.resources.content.models import Content, WhatsAppApproval

BASE = "https://content.twilio.com/v1/Content"
UNSUBMITTED = {
    "name": "",
    "category": "",
    "content_type": "",
    "status": "unsubmitted",
    "rejection_reason": "",
    "allow_category_change": True,
}


def approval_json(approval: WhatsAppApproval | None) -> dict:
    if approval is None:
        return dict(UNSUBMITTED)
    return {
        "name": approval.name,
        "category": approval.category,
        "content_type": approval.content_type,
        "status": approval.status,
        "rejection_reason": approval.rejection_reason,
        "allow_category_change": approval.allow_category_change,
    }


def _approval_of(content: Content) -> WhatsAppApproval | None:
    try:
        return content.approval
    except WhatsAppApproval.DoesNotExist:
        return None


def _common(content: Content) -> dict:
    return {
        "date_created": formats.iso8601(content.date_created),
        "date_updated": formats.iso8601(content.date_updated),
        "sid": content.sid,
        "account_sid": content.account.sid,
        "friendly_name": content.friendly_name,
        "language": content.language,
        "variables": content.variables,
        "types": content.types,
    }


def content_json(content: Content) -> dict:
    url = f"{BASE}/{content.sid}"
    return {
        **_common(content),
        "url": url,
        "links": {
            "approval_create": f"{url}/ApprovalRequests/whatsapp",
            "approval_fetch": f"{url}/ApprovalRequests",
        },
    }


def content_and_approvals_json(content: Content) -> dict:
    return {**_common(content), "approval_requests": approval_json(_approval_of(content))}


def _body(req: SandboxRequest) -> dict:
    if not isinstance(req.json, dict):
        raise TwilioError(20001, 400, "The request body must be a JSON object")
    return req.json


@route("content", "POST", "/v1/Content", status=201)
def create_content(req: SandboxRequest) -> dict:
    body = _body(req)
    language = body.get("language")
    if not language:
        raise missing_param("language")
    if not isinstance(language, str) or len(language) > 16:
        raise content_types.bad("language must be a language code such as en or pt_BR")
    friendly_name = body.get("friendly_name") or ""
    if not isinstance(friendly_name, str) or len(friendly_name) > 512:
        raise content_types.bad("friendly_name must be a string of at most 512 characters")
    if "types" not in body:
        raise missing_param("types")
    types = content_types.check_types(body["types"])
    content_types.check_placeholders(types)
    content = Content.objects.create(
        sid=new_sid("HX"),
        account=req.account,
        friendly_name=friendly_name,
        language=language,
        variables=content_types.check_variables(body.get("variables")),
        types=types,
        date_created=req.now,
        date_updated=req.now,
    )
    return content_json(content)


def _contents(req: SandboxRequest):
    return (
        Content.objects.select_related("account", "approval")
        .filter(account=req.account)
        .order_by("-date_created", "-id")
    )


@route("content", "GET", "/v1/Content")
def list_contents(req: SandboxRequest) -> dict:
    return meta_page(req, "contents", _contents(req), content_json)


@route("content", "GET", "/v1/ContentAndApprovals")
def list_contents_and_approvals(req: SandboxRequest) -> dict:
    return meta_page(req, "contents", _contents(req), content_and_approvals_json)


def _content(req: SandboxRequest, param: str = "Sid") -> Content:
    content = _contents(req).filter(sid=req.arg(param)).first()
    if content is None:
        raise not_found(req.path)
    return content


@route("content", "GET", "/v1/Content/{Sid}")
def fetch_content(req: SandboxRequest) -> dict:
    return content_json(_content(req))


@route("content", "DELETE", "/v1/Content/{Sid}")
def delete_content(req: SandboxRequest) -> None:
    _content(req).delete()


@route("content", "GET", "/v1/Content/{Sid}/ApprovalRequests")
def fetch_approval(req: SandboxRequest) -> dict:
    content = _content(req)
    return {
        "sid": content.sid,
        "account_sid": content.account.sid,
        "whatsapp": {"type": "whatsapp", **approval_json(_approval_of(content))},
        "url": f"{BASE}/{content.sid}/ApprovalRequests",
    }


@route("content", "POST", "/v1/Content/{ContentSid}/ApprovalRequests/whatsapp", status=201)
def create_approval(req: SandboxRequest) -> dict:
    """Submit the content to Meta: `received` now, Meta's review runs on the sandbox clock."""
    content = _content(req, "ContentSid")
    body = _body(req)
    name, category = body.get("name"), body.get("category")
    if not name:
        raise missing_param("name")
    if not category:
        raise missing_param("category")
    if not isinstance(name, str) or not isinstance(category, str):
        raise content_types.bad("name and category must be strings")
    if category.upper() not in review.CATEGORIES:
        raise content_types.bad(
            f"Invalid category {category}: expected one of {', '.join(review.CATEGORIES)}"
        )
    main_type = content_types.main_type(content.types)
    if main_type is None:
        raise content_types.bad(
            f"{', '.join(content.types)} content can't be submitted for WhatsApp approval"
        )
    if _approval_of(content) is not None:
        raise content_types.bad(
            f"{content.sid} was already submitted for WhatsApp approval; create a new content"
        )
    approval = WhatsAppApproval.objects.create(
        content=content,
        name=name,
        category=category.upper(),
        content_type=main_type,
        planned_event=review.planned_event(name),
        next_transition_at=req.now + lifecycle.RECEIVED_FOR,
        date_created=req.now,
        date_updated=req.now,
    )
    return approval_json(approval)
