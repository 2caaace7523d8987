"""Twilio's review of toll-free verifications on the sandbox clock, and the carriers' rule for
toll-free traffic.

PENDING_REVIEW -> IN_REVIEW (after REVIEW_START) -> TWILIO_APPROVED or TWILIO_REJECTED (after
REVIEW_DECISION). An edit of a rejected verification goes straight back to IN_REVIEW. Magic
inputs reject deterministically, with the reason Twilio gives:

- a business name containing "mismatch": 30445 invalid information (editable);
- a sample message with a link shortener (bit.ly, tinyurl): 30449 URL issues in the sample;
- an opt-in proof URL containing "no-opt-in": 30446 opt-in error (editable);
- a use case summary mentioning "crypto": 30464 disallowed content (not editable).

An editable rejection may be edited for EDIT_WINDOW (7 days, `edit_expiration`).

The rule: an SMS or MMS to a US or Canadian number from a toll-free number fails with 30032
unless the number holds a TWILIO_APPROVED verification (pending and rejected ones block too).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sandbox.core import cache, formats, hooks
from sandbox.core.lifecycle import on_tick
from sandbox.core.state import load_state
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.resources.tollfree_verifications.models import TollfreeVerification

S = TollfreeVerification.Status
REVIEW_START = dt.timedelta(seconds=5)
REVIEW_DECISION = dt.timedelta(seconds=20)
EDIT_WINDOW = dt.timedelta(days=7)
UNVERIFIED = (30032, "Toll-Free Number Has Not Been Verified")

# (field, marker, code, reason, editable)
REJECTIONS = (
    (
        "business_name",
        "mismatch",
        30445,
        "Invalid information: the business name does not match the business website.",
        True,
    ),
    (
        "production_message_sample",
        "bit.ly",
        30449,
        "URL issues in sample message: public link shorteners are not allowed.",
        True,
    ),
    (
        "production_message_sample",
        "tinyurl",
        30449,
        "URL issues in sample message: public link shorteners are not allowed.",
        True,
    ),
    (
        "opt_in_image_urls",
        "no-opt-in",
        30446,
        "Opt-in error: the opt-in proof does not show how consent is collected.",
        True,
    ),
    (
        "use_case_summary",
        "crypto",
        30464,
        "Disallowed content: cryptocurrency messaging is not allowed on toll-free numbers.",
        False,
    ),
)


def rejections(fields: dict) -> list[tuple[int, str, bool]]:
    found = []
    for field, marker, code, reason, editable in REJECTIONS:
        value = fields.get(field) or ""
        text = " ".join(value) if isinstance(value, list) else str(value)
        if marker in text.lower() and all(code != c for c, _, _ in found):
            found.append((code, reason, editable))
    return found


def _decide(verification: TollfreeVerification, at: dt.datetime) -> None:
    verification.next_transition_at = None
    found = rejections(verification.fields)
    if not found:
        verification.status = S.TWILIO_APPROVED
        verification.rejection_reasons = []
        verification.edit_allowed, verification.edit_expiration = None, None
        return
    verification.status = S.TWILIO_REJECTED
    verification.rejection_reasons = [{"code": c, "reason": r} for c, r, _ in found]
    verification.edit_allowed = all(editable for _, _, editable in found)
    verification.edit_expiration = at + EDIT_WINDOW


@on_tick(order=52)
def review_verifications(now: dt.datetime) -> int:
    moved = 0
    with transaction.atomic():
        due = list(
            TollfreeVerification.objects.select_for_update(skip_locked=True)
            .filter(next_transition_at__lte=now, status__in=[S.PENDING_REVIEW, S.IN_REVIEW])
            .order_by("next_transition_at", "id")
        )
        for verification in due:
            at = verification.next_transition_at
            if verification.status == S.PENDING_REVIEW:
                verification.status = S.IN_REVIEW
                verification.next_transition_at = at + REVIEW_DECISION
            else:
                _decide(verification, at)
            verification.date_updated = at
            verification.save()
            moved += 1
    return moved


def _verified(sender: str) -> bool | None:
    """None when `sender` isn't a toll-free number; else whether it is approved."""
    number = PhoneNumber.objects.filter(phone_number=sender).values("kind").first()
    if number is None or number["kind"] != PhoneNumber.Kind.TOLL_FREE:
        return None
    return TollfreeVerification.objects.filter(
        phone_number=sender, status=S.TWILIO_APPROVED
    ).exists()


@hooks.answers("message_queued")
def unverified_toll_free(message) -> tuple[int, str] | None:
    """30032 for US/CA SMS/MMS from a toll-free number without an approved verification."""
    if message.channel not in ("sms", "mms") or getattr(message, "free", False):
        return None
    channel, to_number = formats.split_channel(message.to_address)
    if channel != "sms" or not to_number.startswith("+1"):
        return None
    sender = formats.split_channel(message.sender or message.from_address)[1]
    verified = cache.get(load_state(), ("tollfree", sender), lambda: _verified(sender))
    if verified is False:
        return UNVERIFIED
    return None
