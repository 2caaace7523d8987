"""The ramp-up of new senders: once a day, each ramping quota looks at the day before.

A quota moves up one level (`BILLING_RAMP_UP_LEVELS`) when that day the tenant used at
least `BILLING_RAMP_MIN_USE` of its daily limit and its opt-out rate (recipients' own
opt-outs: STOP, Twilio's 21610, unsubscribe links, complaints) and error rate (failed or
undelivered) stayed at or under `BILLING_RAMP_MAX_OPT_OUT_RATE` / `..._MAX_ERROR_RATE`;
otherwise it holds, with the reason. Past the last level the tenant leaves the ramp (LC
Phone's level 8, "3000+"): `ramp_level` None and no daily limit. Each review writes one
`RampStep` per quota and day, so a repeated review changes nothing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q

from billing.models import RampStep, SendingQuota
from messaging.models import ERROR_STATUSES, Channel, Direction, Message, OptOut

# Opt-outs a recipient asked for (a hand-added, imported or bounced address is not one).
RECIPIENT_OPT_OUTS = (
    OptOut.Source.KEYWORD,
    OptOut.Source.TWILIO,
    OptOut.Source.UNSUBSCRIBE,
    OptOut.Source.COMPLAINT,
)
_RATE = Decimal("0.0001")


@dataclass(frozen=True)
class DayStats:
    sent: int
    opt_outs: int
    errors: int

    def rate(self, part: int) -> Decimal:
        return (
            (Decimal(part) / self.sent).quantize(_RATE, ROUND_HALF_UP) if self.sent else Decimal(0)
        )


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def day_stats(tenant_id: int, channel: str, day: dt.date) -> DayStats:
    """The tenant's outbound sends on `channel` created that UTC day (not system ones), how
    many of them failed, and the recipients' opt-outs of that day."""
    start, end = _day_bounds(day)
    sends = (
        Message.objects.for_tenant(tenant_id)
        .filter(direction=Direction.OUTBOUND, channel=channel, created_at__gte=start)
        .filter(created_at__lt=end)
        .exclude(origin=Message.Origin.SYSTEM)
        .aggregate(sent=Count("pk"), errors=Count("pk", filter=Q(status__in=ERROR_STATUSES)))
    )
    opt_outs = (
        OptOut.objects.for_tenant(tenant_id)
        .filter(channel=channel, source__in=RECIPIENT_OPT_OUTS)
        .filter(created_at__gte=start, created_at__lt=end)
        .count()
    )
    return DayStats(sent=sends["sent"], opt_outs=opt_outs, errors=sends["errors"])


def _percent(rate: Decimal | float) -> str:
    return f"{Decimal(str(rate)) * 100:.1f}%"


def hold_reason(quota: SendingQuota, stats: DayStats) -> str:
    """Why the quota may not move up after a day like `stats` ("" when it may)."""
    needed = int(Decimal(str(settings.BILLING_RAMP_MIN_USE)) * quota.daily_limit)
    if stats.sent < needed:
        return f"Sent {stats.sent} of the {quota.daily_limit} allowed; {needed} needed to move up."
    opt_out_rate, most = stats.rate(stats.opt_outs), settings.BILLING_RAMP_MAX_OPT_OUT_RATE
    if opt_out_rate > Decimal(str(most)):
        return f"Opt-out rate {_percent(opt_out_rate)} is above {_percent(most)}."
    error_rate, most = stats.rate(stats.errors), settings.BILLING_RAMP_MAX_ERROR_RATE
    if error_rate > Decimal(str(most)):
        return f"Error rate {_percent(error_rate)} is above {_percent(most)}."
    return ""


def _step(quota: SendingQuota, day: dt.date, stats: DayStats) -> RampStep:
    levels = settings.BILLING_RAMP_UP_LEVELS
    from_level = quota.ramp_level
    if quota.daily_limit is None:
        quota.daily_limit = levels[min(from_level, len(levels)) - 1]
    reason = hold_reason(quota, stats)
    to_level = from_level if reason else from_level + 1
    if to_level > len(levels):
        quota.ramp_level, quota.daily_limit = None, None
    else:
        quota.ramp_level, quota.daily_limit = to_level, levels[to_level - 1]
    quota.ramp_reviewed_on, quota.ramp_held_reason = day, reason
    quota.save(update_fields=["ramp_level", "daily_limit", "ramp_reviewed_on", "ramp_held_reason"])
    return RampStep.objects.create(
        tenant_id=quota.tenant_id,
        quota=quota,
        reviewed_on=day,
        from_level=from_level,
        to_level=to_level,
        daily_limit=quota.daily_limit,
        sent=stats.sent,
        opt_out_rate=stats.rate(stats.opt_outs),
        error_rate=stats.rate(stats.errors),
        reason=reason,
    )


def ramp_review(tenant_id: int, day: dt.date, channel: str = Channel.SMS) -> RampStep | None:
    """Review the tenant's ramping quota on `channel` after `day`: the step taken (the one
    already taken when the day was reviewed before), or None when the quota is not on the
    ramp or a later day was already reviewed."""
    with transaction.atomic():
        quota = (
            SendingQuota.objects.for_tenant(tenant_id)
            .select_for_update()
            .filter(channel=channel)
            .first()
        )
        if quota is None:
            return None
        done = RampStep.objects.for_tenant(tenant_id).filter(quota=quota, reviewed_on=day).first()
        if done is not None:
            return done
        if quota.ramp_level is None or not settings.BILLING_RAMP_UP_LEVELS:
            return None
        if quota.ramp_reviewed_on is not None and quota.ramp_reviewed_on > day:
            return None
        return _step(quota, day, day_stats(tenant_id, channel, day))


def ramps_to_review() -> list[tuple[int, str]]:
    """(tenant id, channel) of every quota on the ramp."""
    rows = SendingQuota.objects.filter(ramp_level__isnull=False).order_by("tenant_id", "channel")
    return list(rows.values_list("tenant_id", "channel"))
