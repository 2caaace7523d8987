"""A WhatsApp sender's registration on the sandbox clock.

CREATING -(CREATE_DELAY)-> PENDING_VERIFICATION: Meta sends a one-time code to the number,
by SMS or by a voice call (`configuration.verification_method`), which lands in the handset
simulator of that number. An update carrying `configuration.verification_code` moves the
sender to VERIFYING; the right code makes it ONLINE after VERIFY_DELAY (with its quality
rating and messaging limit), a wrong one is refused at once and leaves it PENDING_VERIFICATION
(twilio_messaging_v2.json examples: create answers CREATING, the code update VERIFYING).

Magic WABA ids pick an outcome deterministically:
- starting `000`: Twilio cannot use the WABA (63101, wave2-facts §2.3): OFFLINE with that
  reason instead of a code;
- starting `777`: the display name goes to Twilio's review (TWILIO_REVIEW for REVIEW_DELAY)
  before ONLINE;
- starting `666`: ONLINE, then OFFLINE_AFTER later locked for an integrity violation (63051),
  its quality rating LOW.

The code's wording and sender are not published (WhatsApp texts it as "Your WhatsApp Business
code"); [U] in wave2-facts terms. Messaging limit strings follow the spec's example form
("10K Customers/24hr"); a new sender starts at Meta's first tier, 250 (wave2-facts §2.2).
"""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction

from sandbox.core import hooks
from sandbox.core.lifecycle import on_tick
from sandbox.core.sids import new_sid
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.messages.models import Message

S = WhatsAppSender.Status
CREATE_DELAY = dt.timedelta(seconds=5)
VERIFY_DELAY = dt.timedelta(seconds=5)
REVIEW_DELAY = dt.timedelta(seconds=20)
OFFLINE_AFTER = dt.timedelta(seconds=60)
CODE_SENDER = "WhatsApp"
FIRST_TIER = "250 Customers/24hr"
MAGIC_UNUSABLE, MAGIC_REVIEW, MAGIC_OFFLINE = "000", "777", "666"
UNUSABLE = {
    "code": "63101",
    "message": "The WhatsApp Business Account is unusable: deleted, not shared with Twilio, "
    "or linked to another Twilio account",
    "more_info": "https://www.twilio.com/docs/api/errors/63101",
}
LOCKED = {
    "code": "63051",
    "message": "The WhatsApp Business Account is locked for an integrity violation",
    "more_info": "https://www.twilio.com/docs/api/errors/63051",
}


def code_text(code: str, method: str) -> str:
    if method == "voice":
        spoken = ", ".join(" ".join(code[i : i + 3]) for i in (0, 3))
        return f"(Voice call) Your WhatsApp Business code is {spoken}. Again: {spoken}."
    return f"Your WhatsApp Business code {code[:3]}-{code[3:]}. Don't share this code with others."


def send_code(sender: WhatsAppSender, at: dt.datetime) -> None:
    """Meta sends a new code to the number (the caller saves `sender`)."""
    sender.otp = f"{secrets.randbelow(10**6):06d}"
    sender.submitted_code = ""
    method = sender.verification_method or "sms"
    Message.objects.create(
        sid=new_sid("SM"),
        account=sender.account,
        from_address=CODE_SENDER,
        sender=CODE_SENDER,
        to_address=sender.phone_number,
        body=code_text(sender.otp, method),
        status=Message.Status.DELIVERED,
        direction=Message.Direction.OUTBOUND_API,
        channel="voice" if method == "voice" else "sms",
        free=True,
        price=Decimal(0),
        num_segments=1,
        date_created=at,
        date_updated=at,
        date_sent=at,
    )


def digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def _after_creating(sender: WhatsAppSender, at: dt.datetime) -> None:
    if sender.waba_id.startswith(MAGIC_UNUSABLE):
        sender.status, sender.offline_reasons = S.OFFLINE, [UNUSABLE]
        sender.next_transition_at = None
        return
    sender.status, sender.next_transition_at = S.PENDING_VERIFICATION, None
    send_code(sender, at)


def _online(sender: WhatsAppSender, at: dt.datetime) -> None:
    sender.status, sender.offline_reasons = S.ONLINE, []
    sender.quality_rating = sender.quality_rating or "HIGH"
    sender.messaging_limit = sender.messaging_limit or FIRST_TIER
    sender.otp = sender.submitted_code = ""
    offline_later = sender.waba_id.startswith(MAGIC_OFFLINE)
    sender.next_transition_at = at + OFFLINE_AFTER if offline_later else None


def _after_verifying(sender: WhatsAppSender, at: dt.datetime) -> None:
    if sender.waba_id.startswith(MAGIC_REVIEW):
        sender.status, sender.next_transition_at = S.TWILIO_REVIEW, at + REVIEW_DELAY
        sender.otp = sender.submitted_code = ""
        return
    _online(sender, at)


def _after_online(sender: WhatsAppSender, at: dt.datetime) -> None:
    sender.status, sender.offline_reasons = S.OFFLINE, [LOCKED]
    sender.quality_rating, sender.next_transition_at = "LOW", None


STEPS = {
    S.CREATING: _after_creating,
    S.VERIFYING: _after_verifying,
    S.TWILIO_REVIEW: _online,
    S.ONLINE: _after_online,
}


@on_tick(order=54)
def advance_senders(now: dt.datetime) -> int:
    moved = 0
    with transaction.atomic():
        due = list(
            WhatsAppSender.objects.select_for_update(skip_locked=True)
            .select_related("account")
            .filter(next_transition_at__lte=now, status__in=list(STEPS))
            .order_by("next_transition_at", "id")
        )
        for sender in due:
            at = sender.next_transition_at
            STEPS[sender.status](sender, at)
            sender.date_updated = at
            sender.save()
            moved += 1
    return moved


@hooks.answers("whatsapp_messaging_limit")
def sender_messaging_limit(sender: str) -> int | None:
    """The business-initiated recipients per 24 h of the sender's Meta tier
    ("250 Customers/24hr" -> 250, "10K Customers/24hr" -> 10,000); None for an unlimited
    tier or an unknown sender."""
    bare = sender.removeprefix("whatsapp:")
    tier = (
        WhatsAppSender.objects.filter(phone_number=bare)
        .values_list("messaging_limit", flat=True)
        .first()
    )
    amount = (tier or "").split(" ", 1)[0].replace(",", "").upper()
    scale = 1000 if amount.endswith("K") else 1
    digits = amount.removesuffix("K")
    return int(digits) * scale if digits.isdigit() else None
