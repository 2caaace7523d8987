"""What a spending limit reaching 80% or 100% does, however it was learnt (Twilio's Usage
Trigger callback, or the periodic check that covers a missed one).

Each (limit, percent, period) is recorded once as a `UsageLimitEvent`: the first report
marks the limit's state for the period, emails the owners and staff, and at 100% of a hard
limit stops sending (the verdict sends read, `tenant_stops`, cached a few seconds per
tenant) and pauses the tenant's running broadcasts; a repeat changes nothing. A new period
starts clean: its key differs from the state's.
"""

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from billing import enqueue, notify, periods
from billing.categories import LEAVES, TOTAL, category_label
from billing.models import UsageLimit, UsageLimitEvent
from broadcasts.models import Broadcast, BroadcastStatus, PauseReason
from broadcasts.services.common import BroadcastConflict
from broadcasts.services.lifecycle import broadcast_pause, broadcast_resume
from isvplatform.money import format_money
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

Level, Measure, Period = UsageLimit.Level, UsageLimit.Measure, UsageLimit.Period
Source = UsageLimitEvent.Source
PERCENTS = (80, 100)
CACHE_PREFIX = "billing:limit-stops:"


# --- periods and words -------------------------------------------------------------------
def key_for(period: str, day: dt.date | None = None) -> str:
    """The key of the period (daily or monthly) `day` (today) falls in."""
    day = day or periods.today()
    return periods.day_key(day) if period == Period.DAILY else periods.period_key(day)


def current_key(limit: UsageLimit) -> str:
    return key_for(limit.period)


def period_start_of(limit: UsageLimit, day: dt.date | None = None) -> dt.date:
    day = day or periods.today()
    return day if limit.period == Period.DAILY else periods.period_start(day)


def resets_on(limit: UsageLimit, day: dt.date | None = None) -> dt.date:
    """The first day of the next period, when a reached limit starts counting again."""
    day = day or periods.today()
    if limit.period == Period.DAILY:
        return day + dt.timedelta(days=1)
    return periods.next_period_start(day)


def amount_words(limit: UsageLimit, amount: Decimal | None) -> str:
    """`50.00 USD` for spend, `1,000 Outbound SMS` for a count."""
    amount = Decimal(amount or 0)
    if limit.measure == Measure.SPEND:
        return format_money(amount, "USD")
    number = f"{amount.normalize():,f}" if amount != amount.to_integral() else f"{int(amount):,}"
    return f"{number} {category_label(limit.category)}"


def limit_words(limit: UsageLimit) -> str:
    """`hard limit of 50.00 USD spend per month`, `soft limit of 1,000 Outbound SMS per day`."""
    per = "day" if limit.period == Period.DAILY else "month"
    what = (
        f"{amount_words(limit, limit.value)} spend"
        if limit.measure == Measure.SPEND
        else (amount_words(limit, limit.value))
    )
    return f"{limit.level} limit of {what} per {per}"


def refusal_message(limit: UsageLimit) -> str:
    return (
        f"Your {limit_words(limit)} is reached; sending resumes on "
        f"{resets_on(limit).isoformat()} or when staff lift it."
    )


def channels_of(limit: UsageLimit) -> frozenset[str] | None:
    """The send channels a hard limit stops (None: every one). Spend counts everything the
    account pays for; a count stops the channel its category counts (Verify for Verify's)."""
    if limit.category == TOTAL:
        return None
    if limit.category.startswith("verify"):
        return frozenset({"verify"})
    leaf = LEAVES.get(limit.category)
    return frozenset({leaf.channel}) if leaf and leaf.channel else frozenset()


def is_stopping(limit: UsageLimit) -> bool:
    """A hard limit reached in the current period and not lifted for it."""
    key = current_key(limit)
    return (
        limit.level == Level.HARD
        and limit.sync_status != UsageLimit.SyncStatus.DELETING
        and limit.reached_at is not None
        and limit.state_period == key
        and limit.lifted_period != key
    )


# --- the verdict sends read ----------------------------------------------------------------
@dataclass(frozen=True)
class Stop:
    """A hard limit that stops sending now, as the send path needs it (no query)."""

    limit_id: int
    period: str
    key: str
    channels: frozenset[str] | None
    message: str

    def covers(self, channel: str | None) -> bool:
        current = self.key == key_for(self.period)
        return current and (channel is None or self.channels is None or channel in self.channels)


def _cache_key(tenant_id: int) -> str:
    return f"{CACHE_PREFIX}{tenant_id}"


def _forget_owner(sender, instance, **kwargs) -> None:
    cache.delete(_cache_key(instance.tenant_id))


def connect_invalidation() -> None:
    """Forget a tenant's verdict whenever one of its limits is saved or deleted (a queryset
    update, as the state changes here are, forgets it explicitly)."""
    post_save.connect(_forget_owner, sender=UsageLimit, dispatch_uid="billing-limit-stops")
    post_delete.connect(_forget_owner, sender=UsageLimit, dispatch_uid="billing-limit-stops-d")


def tenant_stops(tenant: Tenant) -> tuple[Stop, ...]:
    """The tenant's hard limits that stop sending now, remembered for
    `BILLING_LIMIT_CACHE_SECONDS` (every state change here, and every save of a limit,
    forgets them at once)."""
    seconds = settings.BILLING_LIMIT_CACHE_SECONDS
    # Kept with the tenant's creation time: a verdict never passes to a later tenant that
    # got the same id (a test database rolled back, a restored backup).
    born = tenant.created_at.isoformat() if tenant.created_at else ""
    if seconds > 0:
        cached = cache.get(_cache_key(tenant.pk))
        if cached is not None and cached[0] == born:
            return cached[1]
    reached = UsageLimit.objects.for_tenant(tenant).filter(
        level=Level.HARD, reached_at__isnull=False
    )
    stops = tuple(
        Stop(limit.pk, limit.period, current_key(limit), channels_of(limit), refusal_message(limit))
        for limit in reached
        if is_stopping(limit)
    )
    if seconds > 0:
        cache.set(_cache_key(tenant.pk), (born, stops), seconds)
    return stops


def forget_stops(tenant_id: int) -> None:
    """Forget the verdict now and again once the surrounding transaction commits."""
    cache.delete(_cache_key(tenant_id))
    transaction.on_commit(lambda: cache.delete(_cache_key(tenant_id)))


# --- reaching 80% or 100% ------------------------------------------------------------------
def _mark(limit: UsageLimit, percent: int, key: str, now: dt.datetime) -> None:
    """The limit's state for the period (a queryset update: its config is unchanged)."""
    if limit.state_period != key:
        limit.state_period, limit.warned_at, limit.reached_at = key, None, None
    if percent == 80:
        limit.warned_at = limit.warned_at or now
    else:
        limit.reached_at = now
    UsageLimit.objects.filter(pk=limit.pk).update(
        state_period=limit.state_period, warned_at=limit.warned_at, reached_at=limit.reached_at
    )


def limit_reached(
    *,
    limit: UsageLimit,
    percent: int,
    source: str,
    current_value: Decimal | None = None,
    trigger_sid: str = "",
) -> UsageLimitEvent | None:
    """Record that `limit` reached `percent` (80 or 100) in the current period; the event,
    or None when it was recorded already (a replayed callback) or the limit is going."""
    if percent not in PERCENTS:
        raise ValueError(f"a limit is reached at 80 or 100 percent, not {percent}")
    key = current_key(limit)
    with transaction.atomic():
        locked = (
            UsageLimit.objects.select_for_update()
            .filter(pk=limit.pk)
            .exclude(sync_status=UsageLimit.SyncStatus.DELETING)
            .first()
        )
        if locked is None:
            return None
        try:
            with transaction.atomic():
                event = UsageLimitEvent.objects.create(
                    tenant_id=locked.tenant_id,
                    limit=locked,
                    percent=percent,
                    period_key=key,
                    source=source,
                    current_value=current_value,
                    trigger_sid=trigger_sid or "",
                )
        except IntegrityError:
            return None
        _mark(locked, percent, key, timezone.now())
        enqueue.notify_limit_event(event.pk)
        forget_stops(locked.tenant_id)
    logger.info("limit %s reached %s%% in %s (%s)", locked.pk, percent, key, source)
    for field in ("state_period", "warned_at", "reached_at"):
        setattr(limit, field, getattr(locked, field))
    if percent == 100 and is_stopping(locked):
        pause_broadcasts(locked)
    return event


def pause_broadcasts(limit: UsageLimit) -> int:
    """Pause every sending broadcast of the limit's tenant (SPENDING_LIMIT); how many."""
    paused = 0
    sending = Broadcast.objects.for_tenant(limit.tenant).filter(status=BroadcastStatus.SENDING)
    for broadcast in sending:
        try:
            broadcast_pause(
                broadcast,
                Actor.system(),
                reason=PauseReason.SPENDING_LIMIT,
                detail=refusal_message(limit)[:500],
            )
        except BroadcastConflict:
            continue
        paused += 1
    return paused


def resume_broadcasts(tenant: Tenant) -> int:
    """Resume the tenant's broadcasts a spending limit paused, unless one still stops it."""
    if tenant_stops(tenant):
        return 0
    resumed = 0
    paused = Broadcast.objects.for_tenant(tenant).filter(
        status=BroadcastStatus.PAUSED, pause_reason=PauseReason.SPENDING_LIMIT
    )
    for broadcast in paused:
        try:
            broadcast_resume(broadcast, Actor.system())
        except BroadcastConflict:
            continue
        resumed += 1
    return resumed


# --- the emails ----------------------------------------------------------------------------
def _email_context(event: UsageLimitEvent) -> dict:
    limit = event.limit
    return {
        "tenant_name": event.tenant.name,
        "limit_words": limit_words(limit),
        "value": amount_words(limit, limit.value),
        "current": amount_words(limit, event.current_value)
        if event.current_value is not None
        else f"{event.percent}%",
        "percent": event.percent,
        "hard": limit.level == Level.HARD,
        "lifted": limit.lifted_period == event.period_key,
        "period_start": period_start_of(limit).isoformat(),
        "resets_on": resets_on(limit).isoformat(),
    }


def limit_event_notify(event_id: int) -> int:
    """Email the event to the tenant's owners and staff, once; how many were sent."""
    event = UsageLimitEvent.objects.select_related("limit", "tenant").filter(pk=event_id).first()
    if event is None or event.emailed_at is not None:
        return 0
    context = _email_context(event)
    reached = event.percent == 100
    if reached and context["hard"]:
        subject = f"{event.tenant.name}: sending stopped at your {context['limit_words']}"
    else:
        subject = f"{event.tenant.name}: {event.percent}% of your {context['limit_words']}"
    sent = notify.send_billing_email(
        subject=subject,
        template=f"billing/email/limit_{'reached' if reached else 'warning'}.txt",
        context=context,
        to=[*notify.owner_emails(event.tenant), *notify.staff_emails()],
    )
    UsageLimitEvent.objects.filter(pk=event.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return sent
