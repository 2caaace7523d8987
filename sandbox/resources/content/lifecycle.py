"""Meta's review of WhatsApp templates on the sandbox clock, and what happens after approval.

received -> pending (after RECEIVED_FOR) -> approved | rejected (after REVIEW_FOR): the
decision follows `review.decide`. After approval, quality signals (`quality_event`) pause a
template at the lowest rating: 3 h the first time, 6 h the second, disabled the third
(Meta's template pausing; wave2-facts §1.5); a pause ends by itself. Meta may move an
approved template to another category (`category_update`, UTILITY -> MARKETING). A magic
name plans one of these events PLANNED_AFTER the approval.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sandbox.core.lifecycle import on_tick
from sandbox.core.state import load_state
from sandbox.resources.content import review
from sandbox.resources.content.models import WhatsAppApproval

# WhatsApp's send rules join the message lifecycle when the lifecycles are discovered.
from sandbox.resources.content.sending import whatsapp_rules

__all__ = ["category_update", "quality_event", "review_templates", "whatsapp_rules"]

S = WhatsAppApproval.Status
RECEIVED_FOR = dt.timedelta(seconds=5)
REVIEW_FOR = dt.timedelta(seconds=20)
PLANNED_AFTER = dt.timedelta(seconds=30)
PAUSES = (dt.timedelta(hours=3), dt.timedelta(hours=6))
LOW_RATINGS = ("RED", "LOW")
RATINGS = ("GREEN", "YELLOW", "RED", "UNKNOWN", "HIGH", "MEDIUM", "LOW")


def _decide(approval: WhatsAppApproval, at: dt.datetime) -> None:
    content = approval.content
    reason = review.decide(
        approval.name, approval.category, approval.content_type, content.types, content.variables
    )
    approval.next_transition_at = None
    if reason:
        approval.status, approval.rejection_reason = S.REJECTED, reason
        return
    approval.status, approval.rejection_reason = S.APPROVED, ""
    if approval.planned_event:
        approval.next_transition_at = at + PLANNED_AFTER


def _low_quality(approval: WhatsAppApproval, at: dt.datetime) -> None:
    """One more low-quality strike: paused 3 h, then 6 h, then disabled for good."""
    approval.quality_rating = "RED"
    approval.low_quality_strikes += 1
    if approval.low_quality_strikes > len(PAUSES):
        approval.status, approval.next_transition_at = S.DISABLED, None
        approval.rejection_reason = "DISABLED. The template's quality stayed low after two pauses."
        return
    approval.status = S.PAUSED
    approval.next_transition_at = at + PAUSES[approval.low_quality_strikes - 1]


def _run_planned(approval: WhatsAppApproval, at: dt.datetime) -> None:
    event, approval.planned_event = approval.planned_event, ""
    approval.next_transition_at = None
    if event == "pause":
        _low_quality(approval, at)
    elif event == "disable":
        while approval.status != S.DISABLED:
            _low_quality(approval, at)
    elif event == "recategorize":
        approval.category = "MARKETING"


def _step(approval: WhatsAppApproval) -> None:
    at = approval.next_transition_at
    if approval.status == S.RECEIVED:
        approval.status = S.PENDING
        approval.next_transition_at = at + REVIEW_FOR
    elif approval.status == S.PENDING:
        _decide(approval, at)
    elif approval.status == S.PAUSED:
        approval.status, approval.next_transition_at = S.APPROVED, None
        approval.quality_rating = "YELLOW"
    elif approval.status == S.APPROVED and approval.planned_event:
        _run_planned(approval, at)
    else:
        approval.next_transition_at = None
    approval.date_updated = at


@on_tick(order=54)
def review_templates(now: dt.datetime) -> int:
    moved = 0
    with transaction.atomic():
        due = list(
            WhatsAppApproval.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("content")
            .filter(next_transition_at__lte=now)
            .order_by("next_transition_at", "id")
        )
        for approval in due:
            _step(approval)
            approval.save()
            moved += 1
    return moved


def _approval(content_sid: str) -> WhatsAppApproval:
    approval = WhatsAppApproval.objects.select_for_update().filter(content__sid=content_sid).first()
    if approval is None:
        raise ValueError(f"{content_sid} has no WhatsApp approval request")
    return approval


def quality_event(content_sid: str, rating: str = "RED") -> WhatsAppApproval:
    """Meta's quality signal for an approved (or paused) template: a low rating pauses it,
    the third time disables it; other ratings are recorded."""
    rating = rating.upper()
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}")
    now = load_state().now
    with transaction.atomic():
        approval = _approval(content_sid)
        if approval.status not in (S.APPROVED, S.PAUSED):
            raise ValueError(f"{content_sid} is {approval.status}: only approved ones are rated")
        if rating in LOW_RATINGS:
            _low_quality(approval, now)
        else:
            approval.quality_rating = rating
        approval.date_updated = now
        approval.save()
    return approval


def category_update(content_sid: str, new_category: str = "MARKETING") -> WhatsAppApproval:
    """Meta re-classifies an approved template (its `template_category_update`)."""
    new_category = new_category.upper()
    if new_category not in review.CATEGORIES:
        raise ValueError(f"category must be one of {', '.join(review.CATEGORIES)}")
    now = load_state().now
    with transaction.atomic():
        approval = _approval(content_sid)
        if approval.status not in (S.APPROVED, S.PAUSED):
            raise ValueError(f"{content_sid} is {approval.status}: only approved templates move")
        approval.category = new_category
        approval.date_updated = now
        approval.save()
    return approval
