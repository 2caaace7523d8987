"""Twilio's review of bundles on the sandbox clock.

pending-review -> in-review (after REVIEW_START) -> twilio-approved or twilio-rejected (after
REVIEW_DECISION). A business name containing "Unverifiable" is rejected, so rejections can be
shown; a trust product waits for its customer profile and shares its fate. Each change after
submission is posted to the bundle's StatusCallback.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sandbox.core import callbacks
from sandbox.core.lifecycle import on_tick
from sandbox.resources.trusthub import policies
from sandbox.resources.trusthub.models import Bundle

REVIEW_START = dt.timedelta(seconds=5)
REVIEW_DECISION = dt.timedelta(seconds=25)
WAIT_FOR_PROFILE = dt.timedelta(seconds=5)
VALIDITY = dt.timedelta(days=365)
REJECT_MARKER = "unverifiable"

S = Bundle.Status


def submit(bundle: Bundle, now: dt.datetime) -> None:
    """The client asked for review (Status=pending-review)."""
    bundle.status = S.PENDING_REVIEW
    bundle.errors = []
    bundle.next_transition_at = now + REVIEW_START


def _linked_profile(bundle: Bundle) -> Bundle | None:
    for obj in policies.assigned_objects(bundle):
        if isinstance(obj, Bundle) and obj.kind == Bundle.Kind.CUSTOMER_PROFILE:
            return obj
    return None


def _decide(bundle: Bundle, at: dt.datetime) -> bool:
    """Approve or reject; False when a trust product must wait for its profile's review."""
    errors: list[dict] = []
    if bundle.kind == Bundle.Kind.TRUST_PRODUCT:
        profile = _linked_profile(bundle)
        if profile is not None and profile.status in (S.PENDING_REVIEW, S.IN_REVIEW):
            bundle.next_transition_at = at + WAIT_FOR_PROFILE
            return False
        if profile is None or profile.status != S.TWILIO_APPROVED:
            errors.append(
                {
                    "code": 22224,
                    "message": "The customer profile this trust product depends on was not "
                    "approved.",
                    "field": "customer_profile",
                }
            )
    if not errors and REJECT_MARKER in policies.business_name(bundle).lower():
        errors.append(
            {
                "code": 22225,
                "message": "The business could not be verified: the legal name, EIN and address "
                "don't match a registered business.",
                "field": "business_name",
            }
        )
    if not errors:
        verdict, results = policies.evaluate(bundle, bundle.policy_sid)
        if verdict != "compliant":
            errors = [
                {
                    "code": r["error_code"],
                    "message": f"{r['requirement_friendly_name']}: {r['failure_reason']}",
                    "field": r["requirement_name"],
                }
                for r in results
                if not r["passed"]
            ]
    bundle.errors = errors
    bundle.status = S.TWILIO_REJECTED if errors else S.TWILIO_APPROVED
    bundle.valid_until = None if errors else at + VALIDITY
    bundle.next_transition_at = None
    return True


def _callback(bundle: Bundle, at: dt.datetime):
    params = [
        ("AccountSid", bundle.account.sid),
        ("BundleSid", bundle.sid),
        ("Status", bundle.status),
    ]
    if bundle.errors:
        params.append(("FailureReason", "; ".join(e["message"] for e in bundle.errors)))
    return callbacks.build(
        kind="trusthub-status",
        account_sid=bundle.account.sid,
        url=bundle.status_callback,
        params=params,
        due_at=at,
        resource_sid=bundle.sid,
    )


@on_tick(order=40)
def review_bundles(now: dt.datetime) -> int:
    moved = 0
    with transaction.atomic():
        due = list(
            Bundle.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("account")
            .filter(
                next_transition_at__lte=now,
                status__in=[S.PENDING_REVIEW, S.IN_REVIEW],
            )
            # Customer profiles first: their trust products follow them in the same tick.
            .order_by("kind", "next_transition_at", "id")
        )
        pending = []
        for bundle in due:
            at = bundle.next_transition_at
            if bundle.status == S.PENDING_REVIEW:
                bundle.status = S.IN_REVIEW
                bundle.next_transition_at = at + REVIEW_DECISION
                changed = True
            else:
                changed = _decide(bundle, at)
            bundle.date_updated = at
            bundle.save()
            if changed:
                moved += 1
                if bundle.status_callback:
                    pending.append(_callback(bundle, at))
        callbacks.enqueue(pending)
    return moved
