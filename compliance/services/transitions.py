"""The review state machine: Twilio's statuses in ours, and the one function that moves an
object (or a registration) and records, audits and announces the move."""

import logging
from datetime import datetime

from django.utils import timezone

from compliance import enqueue
from compliance.models import (
    ALLOWED_MOVES,
    Registration,
    ReviewStatus,
    StatusTransition,
    TwilioReviewed,
)
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

BUNDLE_STATUSES = {
    "draft": ReviewStatus.DRAFT,
    "pending-review": ReviewStatus.SUBMITTED,
    "in-review": ReviewStatus.IN_REVIEW,
    "twilio-approved": ReviewStatus.APPROVED,
    "twilio-rejected": ReviewStatus.REJECTED,
}
BRAND_STATUSES = {
    "PENDING": ReviewStatus.SUBMITTED,
    "IN_REVIEW": ReviewStatus.IN_REVIEW,
    "APPROVED": ReviewStatus.APPROVED,
    "FAILED": ReviewStatus.REJECTED,
    "SUSPENDED": ReviewStatus.REJECTED,
    "DELETED": ReviewStatus.REJECTED,
}
CAMPAIGN_STATUSES = {
    "PENDING": ReviewStatus.SUBMITTED,
    "IN_PROGRESS": ReviewStatus.IN_REVIEW,
    "VERIFIED": ReviewStatus.APPROVED,
    "FAILED": ReviewStatus.REJECTED,
    "SUSPENDED": ReviewStatus.REJECTED,
    "EXPIRED": ReviewStatus.REJECTED,
}
# A registration's status -> the timestamp it sets.
REGISTRATION_STAMPS = {
    Registration.Status.SUBMITTED: "submitted_at",
    Registration.Status.APPROVED: "approved_at",
    Registration.Status.REJECTED: "rejected_at",
    Registration.Status.SUPERSEDED: "superseded_at",
}


def _object_type(obj) -> str:
    return "registration" if isinstance(obj, Registration) else obj.step


def _stamp(
    obj: TwilioReviewed | Registration, to_status: str, raw_status: str, now: datetime
) -> list[str]:
    """Set the fields a move to `to_status` changes besides the status; returns their names."""
    changed = []
    if not isinstance(obj, TwilioReviewed):
        stamp = REGISTRATION_STAMPS.get(to_status)
        if stamp:
            setattr(obj, stamp, now)
            changed.append(stamp)
        return changed
    if raw_status:
        obj.raw_status = raw_status
        changed.append("raw_status")
    if to_status in (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW) and not obj.submitted_at:
        obj.submitted_at = now
        changed.append("submitted_at")
    if to_status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
        obj.decided_at, obj.next_poll_at = now, None
        changed += ["decided_at", "next_poll_at"]
    return changed


def transition(
    obj: TwilioReviewed | Registration,
    to_status: str,
    *,
    registration: Registration | None,
    raw_status: str = "",
    reason: str = "",
    actor: Actor | None = None,
) -> bool:
    """Move one object (or a registration) to `to_status`: recorded, audited, announced.

    A move the state machine doesn't allow (a late poll after a decision) changes nothing.
    """
    before = obj.status
    if before == to_status:
        return False
    if isinstance(obj, TwilioReviewed) and to_status not in ALLOWED_MOVES[before]:
        logger.info("ignored %s %s -> %s", _object_type(obj), obj.pk, to_status)
        return False
    now = timezone.now()
    obj.status = to_status
    changed = ["status", *_stamp(obj, to_status, raw_status, now)]
    obj.save(update_fields=[*changed, "updated_at"])
    record = StatusTransition.objects.create(
        tenant_id=obj.tenant_id,
        registration=registration,
        object_type=_object_type(obj),
        object_id=str(obj.pk),
        sid=getattr(obj, "sid", "") or "",
        from_status=before,
        to_status=to_status,
        raw_status=raw_status,
        reason=reason,
        at=now,
    )
    record_audit(
        tenant=obj.tenant,
        actor=actor or Actor.system(),
        action=f"{getattr(obj, 'audit_prefix', 'a2p')}.{_object_type(obj)}.{to_status}",
        target=obj,
        changes={
            "status": [before, to_status],
            **({"twilio_status": raw_status} if raw_status else {}),
            **({"reason": reason} if reason else {}),
        },
    )
    enqueue.announce_transition(record.pk)
    return True
