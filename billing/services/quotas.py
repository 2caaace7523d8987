"""Sending quotas: a tenant's daily and monthly number of sends per channel, admitted O(1).

A quota is one `SendingQuota` row per tenant and channel (None: no limit). A new tenant gets
its row on the first send (or the first look at its usage) on a ramp-up channel
(`BILLING_RAMP_UP_CHANNELS`: SMS, which counts MMS too), at ramp level 1
(`BILLING_RAMP_UP_LEVELS[0]`, 100 a day); `billing.services.ramp` raises it day by day. A
tenant that already sent on the channel before its row was first needed (it predates this
feature) starts off the ramp, with no limit: an established sender is never suddenly cut to
100 a day. Created lazily rather than on tenant creation, so the one rule covers both.

Each admitted send takes from two counters in `messaging.buckets` (Redis, or bucket rows):
the UTC day's and the UTC month's, both keyed by the period, so a send costs the same few
steps however many went before (no COUNT of messages). The row itself is remembered in the
cache for `BILLING_QUOTA_CACHE_SECONDS` (forgotten whenever it is saved: `billing.receivers`).
Counting starts once a row has a limit; a row without any limit counts nothing.

With Redis down (a restart, a failover) the quota fails open: the sends are admitted
uncounted, with a log line and a count (`isvplatform.failopen`). The issue's rule is that the
API keeps accepting sends while Redis is down; a quota is a ramp and a budget, not a carrier
limit, and a few seconds of sends let through uncounted cost less than refusing every send
(the carriers' caps and rates stay with the dispatcher's pacing, which fails closed).

Inbound and system messages are never counted. A broadcast's messages are counted once, by
the dispatcher for its whole batch (`quota_take`, so the rest of the batch waits for the
reset instead of being refused), which is why `quota_admission` lets origin `broadcast` by.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from billing import periods
from billing.models import SendingQuota
from isvplatform.failopen import REDIS_DOWN_ERRORS, record_failopen
from messaging import buckets
from messaging.models import Channel, Direction, Message
from messaging.services.admission import Admission
from messaging.services.common import SendRefused
from tenants.models import Tenant
from tenants.services import Actor, record_audit

DAILY = "daily_quota_reached"
MONTHLY = "monthly_quota_reached"
# Origins never counted: not the tenant's own sends, or counted elsewhere (broadcasts).
UNCOUNTED_ORIGINS = frozenset(
    {Message.Origin.INBOUND, Message.Origin.SYSTEM, Message.Origin.BROADCAST}
)
UNLIMITED = 2**31 - 1
_DAY_TTL = 2 * 86400
_MONTH_TTL = 35 * 86400
_NO_ROW = "none"


@dataclass(frozen=True)
class QuotaUsage:
    daily_used: int
    daily_limit: int | None
    monthly_used: int
    monthly_limit: int | None
    ramp_level: int | None = None
    daily_resets_at: dt.datetime | None = None
    monthly_resets_at: dt.datetime | None = None


def _scope(tenant: Tenant) -> str:
    """The tenant in cache and counter keys: its id and creation instant, so a database
    recreated with the same ids (a restore, a test database) never meets old counters."""
    return f"{tenant.pk}.{int(tenant.created_at.timestamp() * 1_000_000)}"


def _cache_key(tenant: Tenant, channel: str) -> str:
    return f"billing:quota:{_scope(tenant)}:{channel}"


def forget_quota(tenant_id: int, channel: str) -> None:
    """Drop the remembered row (its tenant's creation instant read once, by id)."""
    tenant = Tenant.objects.filter(pk=tenant_id).only("pk", "created_at").first()
    if tenant is not None:
        cache.delete(_cache_key(tenant, channel))


def _established(tenant: Tenant, channel: str) -> bool:
    """Whether the tenant already sent on the channel (before its quota row existed)."""
    return (
        Message.objects.for_tenant(tenant)
        .filter(direction=Direction.OUTBOUND, channel=channel)
        .exclude(origin__in=[Message.Origin.SYSTEM, Message.Origin.INBOUND])
        .exists()
    )


def _created_quota(tenant: Tenant, channel: str) -> SendingQuota | None:
    levels = settings.BILLING_RAMP_UP_LEVELS
    if channel not in settings.BILLING_RAMP_UP_CHANNELS or not levels:
        return None
    if _established(tenant, channel):
        defaults = {"daily_limit": None, "ramp_level": None}
    else:
        defaults = {"daily_limit": levels[0], "ramp_level": 1}
    # get_or_create retries the read when a concurrent first send inserted the row first.
    quota, _ = SendingQuota.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, channel=channel, defaults=defaults
    )
    return quota


def quota_for(tenant: Tenant, channel: str) -> SendingQuota | None:
    """The tenant's quota on `channel`, created at ramp level 1 on a ramp-up channel; None
    when the channel has no quota. Remembered briefly (a send reads it without a query)."""
    seconds = settings.BILLING_QUOTA_CACHE_SECONDS
    key = _cache_key(tenant, channel)
    cached = cache.get(key) if seconds > 0 else None
    if cached is not None:
        return None if cached == _NO_ROW else cached
    quota = SendingQuota.objects.for_tenant(tenant).filter(channel=channel).first()
    if quota is None:
        quota = _created_quota(tenant, channel)
    if seconds > 0:
        cache.set(key, _NO_ROW if quota is None else quota, seconds)
    return quota


def _keys(tenant: Tenant, channel: str, now: dt.datetime) -> tuple[str, str]:
    day = now.astimezone(dt.UTC).date()
    base = f"quota:{_scope(tenant)}:{channel}"
    return f"{base}:d:{periods.day_key(day)}", f"{base}:m:{periods.period_key(day)}"


def daily_reset(now: dt.datetime | None = None) -> dt.datetime:
    """When today's quotas start over: the next midnight, UTC."""
    day = (now or timezone.now()).astimezone(dt.UTC).date()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=dt.UTC)


def monthly_reset(now: dt.datetime | None = None) -> dt.datetime:
    """When this month's quotas start over: the first of next month, 00:00 UTC."""
    day = (now or timezone.now()).astimezone(dt.UTC).date()
    return dt.datetime.combine(periods.next_period_start(day), dt.time(0, 0), tzinfo=dt.UTC)


def quota_reset(reason: str, now: dt.datetime | None = None) -> dt.datetime:
    """When a refusal of `reason` (daily or monthly) stops applying."""
    return monthly_reset(now) if reason == MONTHLY else daily_reset(now)


def _in(delta: dt.timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 1)
    return f"{minutes} min" if minutes < 60 else f"{round(minutes / 60)} h"


def _refusal(reason: str, channel: str, limit: int, now: dt.datetime) -> SendRefused:
    resets = quota_reset(reason, now)
    label = Channel(channel).label if channel in Channel.values else channel
    if reason == DAILY:
        when = f"it resets at 00:00 UTC (in {_in(resets - now)})"
        period = "daily"
    else:
        when = f"it resets on {resets.date().isoformat()} at 00:00 UTC"
        period = "monthly"
    message = f"Your {period} {label} quota of {limit} messages is used up; {when}."
    extra = {"quota_period": period, "limit": limit, "resets_at": resets.isoformat()}
    return SendRefused(reason, message, extra=extra)


def _cap(limit: int | None) -> int:
    return UNLIMITED if limit is None else limit


def _take(tenant: Tenant, quota: SendingQuota, count: int) -> Admission:
    now = timezone.now()
    day_key, month_key = _keys(tenant, quota.channel, now)
    daily = buckets.take_period(day_key, count, _cap(quota.daily_limit), _DAY_TTL)
    if daily == 0:
        return Admission(0, _refusal(DAILY, quota.channel, quota.daily_limit, now))
    monthly = buckets.take_period(month_key, daily, _cap(quota.monthly_limit), _MONTH_TTL)
    if monthly < daily:
        buckets.give_back(day_key, daily - monthly)
        return Admission(monthly, _refusal(MONTHLY, quota.channel, quota.monthly_limit, now))
    if daily < count:
        return Admission(daily, _refusal(DAILY, quota.channel, quota.daily_limit, now))
    return Admission(count)


def quota_take(tenant: Tenant, *, channel: str, count: int) -> Admission:
    """Take up to `count` sends from the tenant's daily and monthly counters on `channel`:
    how many were granted, and the refusal for the rest (the limit and its reset)."""
    if count <= 0:
        return Admission(max(count, 0))
    quota = quota_for(tenant, channel)
    if quota is None or (quota.daily_limit is None and quota.monthly_limit is None):
        return Admission(count)
    try:
        return _take(tenant, quota, count)
    except REDIS_DOWN_ERRORS as err:
        record_failopen("quota", err, f"{count} {channel} send(s) admitted uncounted")
        return Admission(count)


def quota_admission(tenant: Tenant, *, channel: str, count: int, origin: str) -> Admission:
    """The admission check (`messaging.services.admission`): the quota's share of `count`."""
    if origin in UNCOUNTED_ORIGINS:
        return Admission(count)
    return quota_take(tenant, channel=channel, count=count)


def quota_usage(tenant: Tenant, channel: str) -> QuotaUsage:
    """Today's and this month's sends against the quota (for pages and the API)."""
    now = timezone.now()
    quota = quota_for(tenant, channel)
    day_key, month_key = _keys(tenant, channel, now)
    return QuotaUsage(
        daily_used=buckets.period_used(day_key),
        daily_limit=quota.daily_limit if quota else None,
        monthly_used=buckets.period_used(month_key),
        monthly_limit=quota.monthly_limit if quota else None,
        ramp_level=quota.ramp_level if quota else None,
        daily_resets_at=daily_reset(now),
        monthly_resets_at=monthly_reset(now),
    )


def _check_limit(field: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValidationError({field: "Give a whole number of messages (0 or more), or none."})


def quota_set(
    *,
    tenant: Tenant,
    channel: str,
    daily_limit: int | None,
    monthly_limit: int | None,
    actor: Actor,
) -> SendingQuota:
    """Staff (or the platform itself: the demo, a command) set a tenant's quota by hand
    (None: no limit). This takes the tenant off the ramp: the ramp's next review would
    otherwise overwrite what staff decided."""
    is_platform = actor.user is None and actor.api_key is None
    if not is_platform and not (actor.user is not None and actor.user.is_staff):
        raise PermissionDenied("Only staff set sending quotas.")
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Choose one of {', '.join(Channel.values)}."})
    _check_limit("daily_limit", daily_limit)
    _check_limit("monthly_limit", monthly_limit)
    with transaction.atomic():
        quota, _ = (
            SendingQuota.objects.for_tenant(tenant)
            .select_for_update()
            .get_or_create(tenant=tenant, channel=channel)
        )
        before = {
            "daily_limit": quota.daily_limit,
            "monthly_limit": quota.monthly_limit,
            "ramp_level": quota.ramp_level,
        }
        quota.daily_limit, quota.monthly_limit = daily_limit, monthly_limit
        quota.ramp_level, quota.ramp_held_reason = None, ""
        quota.save()
        after = {"daily_limit": daily_limit, "monthly_limit": monthly_limit, "ramp_level": None}
        record_audit(
            tenant=tenant,
            actor=actor,
            action="billing.quota_set",
            target=quota,
            changes={"channel": channel, "before": before, "after": after},
        )
    return quota
