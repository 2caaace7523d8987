"""Pacing: every sender's real limit in one place, and the wait before each paced call.

A sender's limit comes from what Twilio and the carriers enforce:
- a 10DLC number or messaging service: its A2P campaign's `rate_limits` (AT&T's MPS) and
  the brand's T-Mobile daily cap (from the campaign's T-Mobile tier, else the brand's
  type and trust score, as `compliance.vocab.throughput_tier` describes them);
- a toll-free number: 3 MPS;
- a WhatsApp sender: 80 MPS and its Meta messaging limit (business-initiated recipients
  per 24 h, e.g. "10K Customers/24hr");
- anything else (a long code without a campaign): 1 MPS;
- email: the ESP account's maximum send rate (SES's default, 14 per second), one bucket
  per account: the platform's, or a tenant's own credentials.

The carrier does not say which recipients are on T-Mobile, so the T-Mobile cap counts
every recipient of the brand: conservative, never over. Daily caps are taken by the
broadcast dispatcher for each batch (`take_daily`); the rate is applied at the Twilio
call (`paced`), so a backlog of send tasks after a restart still keeps to it.

Settings: `BROADCAST_PACING` (False: no waits, no caps; benches), `BROADCAST_MPS_OVERRIDE`
(a rate for every sender, for tests and benches; 0 = none).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import redis
from django.conf import settings
from django.utils import timezone

from compliance.models import A2PCampaign
from compliance.vocab import BrandType
from isvplatform import claims, gateway
from messaging import buckets
from messaging.models import Channel, Message
from provisioning.models import NumberType, PhoneNumber
from tenants.models import Tenant
from whatsapp.models import WhatsAppSender

logger = logging.getLogger(__name__)

TOLL_FREE_MPS = 3.0
WHATSAPP_MPS = 80.0
LONG_CODE_MPS = 1.0
UNVETTED_10DLC_MPS = 12.0
# T-Mobile's daily cap per brand tier, and per trust score where no tier is known.
TMOBILE_TIER_CAPS = {
    "TOP": 200_000,
    "HIGH_MID": 40_000,
    "MID": 40_000,
    "LOW_MID": 10_000,
    "LOW": 2_000,
}
TMOBILE_DEFAULT_CAP = 2_000
SOLE_PROPRIETOR_CAP = 1_000
# SES's default maximum send rate of an account out of the sandbox (emails per second).
EMAIL_ACCOUNT_MPS = 14.0
QUEUE_OVERFLOW_CODE = 30001


@dataclass(frozen=True)
class SenderLimit:
    """How fast one sender may go: `key` names its bucket, `cap_key` its daily counter."""

    key: str
    mps: float
    daily_cap: int | None = None
    cap_key: str = ""
    source: str = ""


class Throttled(gateway.RetryableGatewayError):
    """Not sent yet: the sender's reserved slots reach further ahead than a send may wait,
    or the bucket's store is unreachable. Retried like any temporary failure."""


def enabled() -> bool:
    return bool(getattr(settings, "BROADCAST_PACING", True))


def _brand_cap(campaign: A2PCampaign) -> int:
    brand = campaign.brand
    tier = ((campaign.rate_limits or {}).get("tmobile") or {}).get("brand_tier", "")
    if brand.brand_type == BrandType.SOLE_PROPRIETOR:
        return SOLE_PROPRIETOR_CAP
    if tier in TMOBILE_TIER_CAPS:
        return TMOBILE_TIER_CAPS[tier]
    score = brand.brand_score
    if brand.brand_type == BrandType.LOW_VOLUME_STANDARD or score is None:
        return TMOBILE_DEFAULT_CAP
    if score >= 75:
        return 200_000
    if score >= 50:
        return 40_000
    return 10_000 if score >= 25 else TMOBILE_DEFAULT_CAP


def _campaign_mps(campaign: A2PCampaign) -> float:
    att = (campaign.rate_limits or {}).get("att") or {}
    try:
        return float(att["mps"])
    except (KeyError, TypeError, ValueError):
        return UNVETTED_10DLC_MPS


def _campaign_limit(key: str, campaign: A2PCampaign) -> SenderLimit:
    return SenderLimit(
        key=key,
        mps=_campaign_mps(campaign),
        daily_cap=_brand_cap(campaign),
        cap_key=f"brand:{campaign.brand_id}",
        source=f"A2P campaign {campaign.campaign_id or campaign.pk}",
    )


def _live_campaigns(tenant_id: int):
    return (
        A2PCampaign.objects.filter(tenant_id=tenant_id)
        .exclude(status="rejected")
        .select_related("brand")
        .order_by("-created_at")
    )


def _whatsapp_cap(tenant_id: int, number: str) -> int | None:
    tier = (
        WhatsAppSender.objects.filter(tenant_id=tenant_id, phone_number__phone_number=number)
        .exclude(status="refused")
        .values_list("messaging_limit", flat=True)
        .first()
    )
    amount = (tier or "").split(" ", 1)[0].replace(",", "").upper()
    digits = amount.removesuffix("K")
    if not digits.isdigit():
        return None
    return int(digits) * (1000 if amount.endswith("K") else 1)


def _number_limit(tenant_id: int, key: str, number: str) -> SenderLimit:
    row = (
        PhoneNumber.objects.filter(tenant_id=tenant_id, phone_number=number)
        .select_related("messaging_service")
        .first()
    )
    if row is not None and row.number_type == NumberType.TOLL_FREE:
        return SenderLimit(key=key, mps=TOLL_FREE_MPS, source="toll-free number")
    campaigns = _live_campaigns(tenant_id)
    if row is not None and row.messaging_service_id:
        campaigns = campaigns.filter(messaging_service_sid=row.messaging_service.sid)
    campaign = campaigns.first()
    if campaign is not None:
        return _campaign_limit(key, campaign)
    return SenderLimit(key=key, mps=LONG_CODE_MPS, source="long code without a campaign")


def _email_limit(tenant_id: int) -> SenderLimit:
    """Email is paced per ESP account: the tenant's own (its credentials are working),
    else the platform's, which all other tenants share."""
    own = Tenant.objects.filter(pk=tenant_id, esp_credentials__status="active").exists()
    key = f"esp:tenant:{tenant_id}" if own else "esp:platform"
    return SenderLimit(key, EMAIL_ACCOUNT_MPS, source="ESP account send rate")


def sender_limit(
    *, tenant_id: int, channel: str, from_number: str, messaging_service_sid: str
) -> SenderLimit:
    """The real limit of the sender a message goes out from (see the module docstring)."""
    if channel == Channel.EMAIL:
        limit = _email_limit(tenant_id)
    elif channel == Channel.WHATSAPP:
        key = f"wa:{from_number}"
        cap = _whatsapp_cap(tenant_id, from_number)
        limit = SenderLimit(key, WHATSAPP_MPS, cap, key if cap else "", "WhatsApp sender")
    elif messaging_service_sid:
        key = f"ms:{messaging_service_sid}"
        campaign = (
            _live_campaigns(tenant_id).filter(messaging_service_sid=messaging_service_sid).first()
        )
        limit = (
            _campaign_limit(key, campaign)
            if campaign is not None
            else SenderLimit(key, UNVETTED_10DLC_MPS, source="messaging service, no campaign")
        )
    else:
        limit = _number_limit(tenant_id, f"num:{from_number}", from_number)
    override = float(getattr(settings, "BROADCAST_MPS_OVERRIDE", 0) or 0)
    if override > 0:
        limit = SenderLimit(limit.key, override, limit.daily_cap, limit.cap_key, "override")
    return limit


def limit_for_message(message: Message) -> SenderLimit:
    return sender_limit(
        tenant_id=message.tenant_id,
        channel=message.channel,
        from_number=message.from_number,
        messaging_service_sid=message.messaging_service_sid,
    )


def _wait_for_slot(message: Message, held: claims.Claim) -> SenderLimit:
    limit = limit_for_message(message)
    try:
        # A little under the limit, so network jitter never bunches sends above it.
        rate = limit.mps * settings.BROADCAST_PACING_HEADROOM
        delay = buckets.reserve(limit.key, rate) or 0.0
    except redis.RedisError as err:
        raise Throttled(f"Not sent yet: the pacing store is unreachable ({err}).") from err
    # Never wait past half the claim's lease: the row must still be ours when we send.
    bound = (held.until - timezone.now()).total_seconds() / 2
    if delay > bound:
        raise Throttled(f"Not sent yet: {limit.key} is booked {delay:.1f}s ahead.")
    buckets.sleep(delay)
    return limit


@contextmanager
def paced(message: Message, held: claims.Claim) -> Iterator[None]:
    """Around a claimed broadcast message's Twilio call: wait for its sender's slot first,
    and slow the sender down when Twilio answers 429. Other messages pass straight on."""
    if message.origin != Message.Origin.BROADCAST or not enabled():
        yield
        return
    limit = _wait_for_slot(message, held)
    try:
        yield
    except gateway.RetryableGatewayError as err:
        if err.status == 429 or err.code == 20429:
            factor = buckets.slow_down(limit.key)
            logger.warning("pacing: %s answered 429, rate now x%.3f", limit.key, factor)
        raise


def note_status_error(message_id: str, error_code: int | None) -> None:
    """A status callback reported Twilio's queue overflowing (30001) for a broadcast
    message: slow its sender down (the queue drains at the sender's real rate)."""
    if error_code != QUEUE_OVERFLOW_CODE or not enabled():
        return
    message = Message.objects.filter(pk=message_id, origin=Message.Origin.BROADCAST).first()
    if message is not None:
        factor = buckets.slow_down(limit_for_message(message).key)
        logger.warning("pacing: 30001 for message %s, rate now x%.3f", message_id, factor)
