"""Twilio's view of a template applied to ours: the approval status (received, pending,
approved, rejected with Meta's reason, paused, disabled) and Meta's re-categorisation. Every
change is a timeline event, an audit row and, after the commit, an email and a tenant-webhook
event (`content.notify`)."""

import logging

from django.db import transaction
from django.utils import timezone

from content import enqueue
from content.models import MessageTemplate, TemplateEvent
from content.services.authoring import add_event
from content.vocab import ApprovalStatus, Category
from isvplatform import metrics
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

# Twilio's approval status (lower case) -> ours. "unsubmitted" means no request exists yet.
TWILIO_STATUSES = {
    "received": ApprovalStatus.RECEIVED,
    "pending": ApprovalStatus.PENDING,
    "approved": ApprovalStatus.APPROVED,
    "rejected": ApprovalStatus.REJECTED,
    "paused": ApprovalStatus.PAUSED,
    "disabled": ApprovalStatus.DISABLED,
}
# Which moves a template may make; anything else (a late poll) is ignored.
ALLOWED_MOVES = {
    ApprovalStatus.DRAFT: {ApprovalStatus.SUBMITTING},
    ApprovalStatus.SUBMITTING: {
        ApprovalStatus.DRAFT,
        ApprovalStatus.RECEIVED,
        ApprovalStatus.PENDING,
        ApprovalStatus.APPROVED,
        ApprovalStatus.REJECTED,
    },
    ApprovalStatus.RECEIVED: {
        ApprovalStatus.PENDING,
        ApprovalStatus.APPROVED,
        ApprovalStatus.REJECTED,
    },
    ApprovalStatus.PENDING: {ApprovalStatus.APPROVED, ApprovalStatus.REJECTED},
    ApprovalStatus.APPROVED: {ApprovalStatus.PAUSED, ApprovalStatus.DISABLED},
    # A pause ends (approved again), repeats into disabling (wave2-facts §1.5).
    ApprovalStatus.PAUSED: {ApprovalStatus.APPROVED, ApprovalStatus.DISABLED},
    ApprovalStatus.REJECTED: set(),
    ApprovalStatus.DISABLED: set(),
}
DECIDED = {ApprovalStatus.APPROVED, ApprovalStatus.REJECTED, ApprovalStatus.DISABLED}
# The reviewer's decisions `isv_template_decisions_total` counts (Content templates are
# reviewed for WhatsApp only).
COUNTED = DECIDED | {ApprovalStatus.PAUSED}


def our_status(raw_status: str) -> str | None:
    return TWILIO_STATUSES.get((raw_status or "").strip().lower())


def our_category(raw_category: str) -> str:
    """Twilio's category in our spelling; Event Streams use lower case (wave2-facts §0)."""
    value = (raw_category or "").strip().upper()
    return value if value in Category.values else ""


def apply_status(
    template: MessageTemplate,
    raw_status: str,
    *,
    reason: str = "",
    actor: Actor | None = None,
) -> bool:
    """Move the template to Twilio's `raw_status` (caller holds the row); False when it
    doesn't move (same status, unknown status, or a move the machine doesn't allow)."""
    to_status = our_status(raw_status)
    before = template.status
    if to_status is None or to_status == before:
        return False
    if to_status not in ALLOWED_MOVES[before]:
        logger.info("ignored template %s %s -> %s", template.pk, before, to_status)
        return False
    template.status, template.raw_status = to_status, raw_status
    if to_status == ApprovalStatus.REJECTED:
        template.rejection_reason = reason or "WhatsApp gave no reason."
    if to_status in DECIDED and template.decided_at is None:
        template.decided_at = timezone.now()
    template.save()
    event = add_event(
        template,
        TemplateEvent.Kind.STATUS,
        from_value=before,
        to_value=to_status,
        raw_status=raw_status,
        reason=reason,
    )
    record_audit(
        tenant=template.tenant,
        actor=actor or Actor.system(),
        action=f"template.{to_status}",
        target=template,
        changes={
            "status": [before, to_status],
            "twilio_status": raw_status,
            **({"reason": reason} if reason else {}),
        },
    )
    enqueue.announce_event(event.pk)
    if to_status in COUNTED:
        transaction.on_commit(lambda: metrics.count_template_decision("whatsapp", to_status))
    return True


def apply_category(
    template: MessageTemplate, raw_category: str, *, actor: Actor | None = None
) -> bool:
    """Record Meta's re-categorisation (wave2-facts §1.3); False when nothing changed."""
    category = our_category(raw_category)
    if not category or category == template.effective_category:
        return False
    before = template.effective_category
    template.meta_category = "" if category == template.category else category
    template.save()
    event = add_event(template, TemplateEvent.Kind.CATEGORY, from_value=before, to_value=category)
    record_audit(
        tenant=template.tenant,
        actor=actor or Actor.system(),
        action="template.recategorised",
        target=template,
        changes={"category": [before, category]},
    )
    enqueue.announce_event(event.pk)
    return True
