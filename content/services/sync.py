"""Importing the Content made in Twilio's console: every item of the subaccount's
ContentAndApprovals list the platform doesn't know yet becomes a template (read-only unless
never submitted), and a known one takes Twilio's approval status. Idempotent: a Content is
matched by its SID, and the platform's own Contents (their friendly name carries a
template's id) are never imported twice."""

import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from content import enqueue
from content.models import MessageTemplate, TemplateEvent
from content.payload import fields_from_types
from content.services.authoring import add_event
from content.services.status import apply_category, apply_status, our_category, our_status
from content.services.submission import live_poll_interval, poll_delay, tenant_client
from content.vocab import UNDECIDED, ApprovalStatus, Category
from isvplatform import gateway
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

OWN_MARKER = re.compile(r"\[[0-9a-f-]{36}\]$")
NAME_CHARS = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class SyncResult:
    imported: int
    updated: int
    skipped: int


def sync_request(*, tenant: Tenant, actor: Actor) -> None:
    """Queue an import of the subaccount's Content (the API answers 202)."""
    record_audit(tenant=tenant, actor=actor, action="template.sync_requested")
    enqueue.sync_templates(tenant.pk)


def _name(item: gateway.ContentTemplate) -> str:
    approval_name = item.approval.name if item.approval else ""
    raw = approval_name or item.friendly_name or item.sid.lower()
    return NAME_CHARS.sub("_", raw.lower()).strip("_")[:512] or item.sid.lower()


def _import(tenant: Tenant, item: gateway.ContentTemplate, fields: dict) -> MessageTemplate:
    approval = item.approval
    status = our_status(approval.status) if approval else None
    category = our_category(approval.category) if approval else ""
    now = timezone.now()
    template = MessageTemplate.objects.create(
        tenant=tenant,
        source=MessageTemplate.Source.SYNC,
        name=_name(item),
        language=item.language or "en",
        category=category or Category.UTILITY,
        variables={str(k): str(v) for k, v in (item.variables or {}).items()},
        content_sid=item.sid,
        status=status or ApprovalStatus.DRAFT,
        raw_status=approval.status if approval else "",
        rejection_reason=approval.rejection_reason if approval else "",
        submitted_at=now if status else None,
        next_poll_at=(now + (poll_delay(0) if status in UNDECIDED else live_poll_interval()))
        if status and status not in (ApprovalStatus.REJECTED, ApprovalStatus.DISABLED)
        else None,
        **fields,
    )
    add_event(
        template,
        TemplateEvent.Kind.IMPORTED,
        to_value=template.status,
        raw_status=template.raw_status,
        reason=f"Content {item.sid} made in Twilio's console.",
    )
    record_audit(
        tenant=tenant,
        actor=Actor.system(),
        action="template.imported",
        target=template,
        changes={"content_sid": item.sid, "status": template.status},
    )
    return template


def _update(template: MessageTemplate, item: gateway.ContentTemplate) -> bool:
    if item.approval is None or item.approval.status == "unsubmitted":
        return False
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        reason = item.approval.rejection_reason
        moved = apply_status(template, item.approval.status, reason=reason)
        return apply_category(template, item.approval.category) or moved


def templates_sync(tenant_id: int) -> SyncResult:
    """Import what the subaccount has and the platform lacks (the sync task)."""
    tenant = Tenant.objects.get(pk=tenant_id)
    items = gateway.list_contents_and_approvals(tenant_client(tenant), page_size=1000)
    known = dict(
        MessageTemplate.objects.for_tenant(tenant)
        .exclude(content_sid="")
        .values_list("content_sid", "pk")
    )
    imported = updated = skipped = 0
    for item in items:
        if item.sid in known:
            updated += _update(MessageTemplate.objects.get(pk=known[item.sid]), item)
            continue
        fields = fields_from_types(item.types)
        if fields is None or OWN_MARKER.search(item.friendly_name or ""):
            skipped += 1
            continue
        try:
            with transaction.atomic():
                _import(tenant, item, fields)
            imported += 1
        except IntegrityError:
            # A concurrent sync imported it first.
            skipped += 1
    logger.info("template sync of tenant %s: %s new, %s updated", tenant_id, imported, updated)
    return SyncResult(imported=imported, updated=updated, skipped=skipped)
