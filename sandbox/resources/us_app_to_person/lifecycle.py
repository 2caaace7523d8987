"""The carriers' review of campaigns on the sandbox clock, and their rule for 10DLC traffic.

PENDING -> IN_PROGRESS (after REVIEW_START) -> VERIFIED or FAILED (after REVIEW_DECISION). A
description containing "Mismatch" fails (the description doesn't match the samples), as does
a campaign whose brand is no longer approved.

The rule: an SMS or MMS to a US number from a US 10DLC (local) number is filtered with 30034
unless the number's messaging service holds a VERIFIED campaign. The message lifecycle asks
`hooks.ask("message_queued", message=...)` before sending; `unregistered_10dlc` answers.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string

from django.db import transaction

from sandbox.core import cache, formats, hooks
from sandbox.core.lifecycle import on_tick
from sandbox.core.state import load_state
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.messaging_services.models import MessagingService, ServicePhoneNumber
from sandbox.resources.phone_numbers.models import PhoneNumber
from sandbox.resources.us_app_to_person.models import Campaign

REVIEW_START = dt.timedelta(seconds=5)
REVIEW_DECISION = dt.timedelta(seconds=25)
FAILURE_MARKER = "mismatch"
UNREGISTERED = (30034, "Message from an Unregistered Number")


def _rate_limits(brand: Brand) -> dict:
    score = brand.brand_score or 0
    if brand.brand_type == "SOLE_PROPRIETOR":
        return {"att": {"mps": 15, "msg_class": "E"}, "tmobile": {"brand_tier": "LOW"}}
    if brand.skip_automatic_sec_vet or score < 50:
        return {"att": {"mps": 75, "msg_class": "T"}, "tmobile": {"brand_tier": "LOW"}}
    tier = "TOP" if score >= 75 else "MID"
    return {
        "att": {"mps": 225 if tier == "TOP" else 120, "msg_class": "A"},
        "tmobile": {"brand_tier": tier},
    }


def _decide(campaign: Campaign) -> None:
    errors = []
    if campaign.brand.status != Brand.Status.APPROVED:
        errors.append(
            {
                "code": 30896,
                "description": "The campaign's brand is no longer approved.",
                "fields": ["brand_registration_sid"],
            }
        )
    elif FAILURE_MARKER in campaign.description.lower():
        errors.append(
            {
                "code": 30897,
                "description": "The campaign description does not match the sample messages "
                "or the brand's business.",
                "fields": ["description", "message_samples"],
            }
        )
    campaign.next_transition_at = None
    campaign.errors = errors
    if errors:
        campaign.campaign_status = Campaign.Status.FAILED
        return
    campaign.campaign_status = Campaign.Status.VERIFIED
    campaign.campaign_id = campaign.campaign_id or "C" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(6)
    )
    campaign.rate_limits = _rate_limits(campaign.brand)


@on_tick(order=50)
def review_campaigns(now: dt.datetime) -> int:
    moved = 0
    with transaction.atomic():
        due = list(
            Campaign.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("brand")
            .filter(
                next_transition_at__lte=now,
                campaign_status__in=[Campaign.Status.PENDING, Campaign.Status.IN_PROGRESS],
            )
            .order_by("next_transition_at", "id")
        )
        for campaign in due:
            at = campaign.next_transition_at
            if campaign.campaign_status == Campaign.Status.PENDING:
                campaign.campaign_status = Campaign.Status.IN_PROGRESS
                campaign.next_transition_at = at + REVIEW_DECISION
            else:
                _decide(campaign)
                MessagingService.objects.filter(sid=campaign.messaging_service_sid).update(
                    us_app_to_person_registered=campaign.campaign_status == Campaign.Status.VERIFIED
                )
            campaign.date_updated = at
            campaign.save()
            moved += 1
    return moved


def _registration(sender: str) -> bool | None:
    """None when `sender` isn't a US 10DLC number; else whether its service is registered."""
    number = (
        PhoneNumber.objects.filter(phone_number=sender).values("id", "kind", "iso_country").first()
    )
    if number is None or number["kind"] != PhoneNumber.Kind.LOCAL or number["iso_country"] != "US":
        return None
    member = (
        ServicePhoneNumber.objects.filter(phone_number_id=number["id"])
        .select_related("service")
        .first()
    )
    if member is None:
        return False
    return Campaign.objects.filter(
        messaging_service_sid=member.service.sid, campaign_status=Campaign.Status.VERIFIED
    ).exists()


@hooks.answers("message_queued")
def unregistered_10dlc(message) -> tuple[int, str] | None:
    """30034 for US SMS/MMS from a 10DLC number without a verified campaign."""
    if message.channel not in ("sms", "mms") or getattr(message, "free", False):
        return None
    channel, to_number = formats.split_channel(message.to_address)
    if channel != "sms" or not to_number.startswith("+1"):
        return None
    sender = formats.split_channel(message.sender or message.from_address)[1]
    registered = cache.get(load_state(), ("10dlc", sender), lambda: _registration(sender))
    if registered is False:
        return UNREGISTERED
    return None
