"""What the portal's usage pages show, read from the synced usage, the plan, the limits and
the quotas: charges per day and category (as the plan prices them: never Twilio's cost or
the margin), where each spending limit and sending quota stands, and the banners.

Charges per day (none for a tenant on its own Twilio account, which pays Twilio itself)
are the plan's price of the period's usage up to that day minus up to the
day before, so included units and tiers fall on the days they were used and the days of a
period add up to its charge.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects

from billing import periods
from billing.categories import LEAVES, TOTAL, category_label
from billing.models import SendingQuota, UsageLimit
from billing.selectors import daily_usage, twilio_total, usage_totals
from billing.services.limit_events import amount_words
from billing.services.limits import sending_stopped
from billing.services.plans import fees_only, plan_for
from billing.services.pricing import price_usage
from billing.services.quotas import quota_usage
from isvplatform.labels import label_for
from messaging.models import Channel
from tenants.models import Tenant

WARN_PERCENT = 80
VENDOR = "isvplatform"  # who "staff" are, as the portal's brand names them
CENT = Decimal("0.01")


@dataclass
class UsageCharts:
    """Per day and per category over a range: the charge and the volume (count)."""

    days: list[dt.date]
    categories: list[str]
    charge: dict[str, list[Decimal]]
    volume: dict[str, list[int]]

    def category_charge(self, category: str) -> Decimal:
        return sum(self.charge[category], Decimal(0))

    def total_charge(self) -> Decimal:
        return sum((self.category_charge(c) for c in self.categories), Decimal(0))

    def as_json(self) -> dict:
        """The shape `static/billing/usage.js` draws."""
        labels = [day.isoformat() for day in self.days]
        return {
            "labels": labels,
            "series": [
                {
                    "category": c,
                    "label": category_label(c),
                    "charge": [float(v.quantize(CENT)) for v in self.charge[c]],
                    "volume": self.volume[c],
                }
                for c in self.categories
            ],
            "breakdown": {
                "labels": [category_label(c) for c in self.categories],
                "charge": [float(self.category_charge(c).quantize(CENT)) for c in self.categories],
            },
        }


def _cumulative_prices(tenant: Tenant, days: list, category: str) -> list[Decimal]:
    """The plan's price of the period's usage of `category` up to each day (inclusive)."""
    prices, units, cost, plan, current = [], Decimal(0), Decimal(0), None, None
    for entry in days:
        start = periods.period_start(entry.day)
        if start != current:
            current, units, cost = start, Decimal(0), Decimal(0)
            plan = plan_for(tenant, entry.day)
            if plan is not None:
                prefetch_related_objects([plan], "rates__tiers")
        totals = entry.categories.get(category)
        if totals is not None:
            units += Decimal(totals.usage)
            cost += Decimal(totals.price)
        prices.append(price_usage(plan, category, units, cost).amount if units or cost else 0)
    return [Decimal(p) for p in prices]


def usage_charts(tenant: Tenant, start: dt.date, end: dt.date) -> UsageCharts:
    """Charges and volume per day of [start, end], by the categories that had usage."""
    history = daily_usage(tenant, periods.period_start(start), end)
    order = list(LEAVES)
    used = sorted(
        {c for entry in history if entry.day >= start for c in entry.categories}, key=order.index
    )
    shown = [entry for entry in history if entry.day >= start]
    charge: dict[str, list[Decimal]] = {}
    volume: dict[str, list[int]] = defaultdict(list)
    own_account = fees_only(tenant)  # the tenant pays Twilio itself: no usage charges
    for category in used:
        if own_account:
            cumulative = [Decimal(0)] * len(history)
        else:
            cumulative = _cumulative_prices(tenant, history, category)
        daily = []
        for index, entry in enumerate(history):
            if entry.day < start:
                continue
            # The period's first day starts from nothing; later days from the day before.
            before = Decimal(0) if entry.day.day == 1 else cumulative[index - 1]
            daily.append(cumulative[index] - before)
            totals = entry.categories.get(category)
            volume[category].append(totals.count if totals else 0)
        charge[category] = daily
    return UsageCharts([e.day for e in shown], used, charge, dict(volume))


@dataclass
class ChargedUsage:
    count: int = 0
    usage: Decimal = Decimal(0)
    charge: Decimal = Decimal(0)


@dataclass
class ChargedDay:
    day: dt.date
    charge: Decimal
    categories: dict[str, ChargedUsage]


def charged_usage(
    tenant: Tenant, start: dt.date, end: dt.date
) -> tuple[list[ChargedDay], dict[str, ChargedUsage]]:
    """Each day of [start, end] and the range's totals, per category: Twilio's count and
    usage, and what the plan charges for it (the charts' figures; the API answers these)."""
    charts = usage_charts(tenant, start, end)
    history = {entry.day: entry for entry in daily_usage(tenant, start, end)}
    days, totals = [], {}
    for index, day in enumerate(charts.days):
        categories = {}
        for category in charts.categories:
            used = history[day].categories.get(category)
            if used is None:
                continue
            charged = ChargedUsage(used.count, used.usage, charts.charge[category][index])
            categories[category] = charged
            total = totals.setdefault(category, ChargedUsage())
            total.count += charged.count
            total.usage += charged.usage
            total.charge += charged.charge
        charge = sum((c.charge for c in categories.values()), Decimal(0))
        days.append(ChargedDay(day, charge, categories))
    return days, totals


# --- spending limits and sending quotas ---------------------------------------------------


def limit_window(limit: UsageLimit, today: dt.date) -> tuple[dt.date, dt.date]:
    if limit.period == UsageLimit.Period.DAILY:
        return today, today
    return periods.period_start(today), today


def limit_current_value(limit: UsageLimit, today: dt.date) -> Decimal:
    """What the limit measures so far in its current period (Twilio's counts and prices,
    which its Usage Triggers compare)."""
    start, end = limit_window(limit, today)
    if limit.measure == UsageLimit.Measure.SPEND and limit.category == TOTAL:
        leaves = sum((t.price for t in usage_totals(limit.tenant_id, start, end).values()), 0)
        return Decimal(max(leaves, twilio_total(limit.tenant_id, start, end)))
    totals = usage_totals(limit.tenant_id, start, end).get(limit.category)
    if totals is None:
        return Decimal(0)
    return Decimal(totals.price if limit.measure == UsageLimit.Measure.SPEND else totals.count)


def limit_description(limit: UsageLimit) -> str:
    """ "50.00 USD spend per month", "1,000 Outbound SMS per day"."""
    per = "per day" if limit.period == UsageLimit.Period.DAILY else "per month"
    what = " spend" if limit.measure == UsageLimit.Measure.SPEND else ""
    return f"{amount_words(limit, limit.value)}{what} {per}"


@dataclass
class LimitRow:
    limit: UsageLimit
    kind: str
    description: str
    used: str
    percent: int
    current: Decimal
    reached: bool
    set_by: str
    sync_status: str


def _percent(current: Decimal, total: Decimal) -> int:
    return int(current * 100 / total) if total > 0 else 0


def limit_rows(tenant: Tenant) -> list[LimitRow]:
    """Each of the tenant's limits with how much of it this period used."""
    today, rows = periods.today(), []
    for limit in UsageLimit.objects.for_tenant(tenant).order_by("level", "period", "pk"):
        current = limit_current_value(limit, today)
        rows.append(
            LimitRow(
                limit=limit,
                kind="Hard limit" if limit.level == UsageLimit.Level.HARD else "Soft limit",
                description=limit_description(limit),
                used=amount_words(limit, current),
                percent=_percent(current, limit.value),
                current=current,
                reached=current >= limit.value,
                set_by=f"Set by {VENDOR} staff" if limit.set_by_staff else "",
                sync_status=limit.get_sync_status_display(),
            )
        )
    return rows


@dataclass
class QuotaRow:
    channel: str
    label: str
    daily_used: int
    daily_limit: int | None
    daily_percent: int
    monthly_used: int
    monthly_limit: int | None
    monthly_percent: int
    ramp: str
    held_reason: str


def ramp_text(level: int | None, daily_limit: int | None, label: str) -> str:
    """ "Level 2 of 8: 250 SMS a day" ("" off the ramp)."""
    levels = list(settings.BILLING_RAMP_UP_LEVELS or [])
    if level is None or not levels:
        return ""
    level = min(max(level, 1), len(levels))
    daily = daily_limit if daily_limit is not None else levels[level - 1]
    return f"Level {level} of {len(levels)}: {daily:,} {label} a day"


def quota_rows(tenant: Tenant) -> list[QuotaRow]:
    """Each channel with a quota (the ramp-up channels have one from the first send)."""
    rows_by_channel = {q.channel: q for q in SendingQuota.objects.for_tenant(tenant)}
    channels = sorted({*rows_by_channel, *settings.BILLING_RAMP_UP_CHANNELS})
    rows = []
    for channel in channels:
        usage = quota_usage(tenant, channel)
        if usage.daily_limit is None and usage.monthly_limit is None:
            continue
        label = label_for(channel, Channel)
        quota = rows_by_channel.get(channel)
        rows.append(
            QuotaRow(
                channel=channel,
                label=label,
                daily_used=usage.daily_used,
                daily_limit=usage.daily_limit,
                daily_percent=_percent(Decimal(usage.daily_used), Decimal(usage.daily_limit or 0)),
                monthly_used=usage.monthly_used,
                monthly_limit=usage.monthly_limit,
                monthly_percent=_percent(
                    Decimal(usage.monthly_used), Decimal(usage.monthly_limit or 0)
                ),
                ramp=ramp_text(usage.ramp_level, usage.daily_limit, label),
                held_reason=quota.ramp_held_reason if quota else "",
            )
        )
    return rows


@dataclass
class Banner:
    level: str  # "error" or "warning"
    text: str


def banners(tenant: Tenant, rows: list[LimitRow]) -> list[Banner]:
    """Sending paused at a hard limit; 80% of a limit reached."""
    found: list[Banner] = []
    stopped = sending_stopped(tenant)
    if stopped is not None:
        found.append(
            Banner(
                "error",
                f"Sending is paused: your hard limit of {limit_description(stopped)} "
                "is reached. New messages are refused until the period ends or staff lift it.",
            )
        )
    for row in rows:
        if stopped is not None and row.limit.pk == stopped.pk:
            continue
        if row.reached and row.limit.level == UsageLimit.Level.SOFT:
            found.append(Banner("warning", f"Your soft limit of {row.description} is reached."))
        elif row.percent >= WARN_PERCENT and not row.reached:
            found.append(
                Banner(
                    "warning",
                    f"{row.percent}% of your {row.kind.lower()} of {row.description} is used.",
                )
            )
    return found
