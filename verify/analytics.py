"""Verification analytics for a period, read from the daily rollups (never the attempts).

`verification_stats(tenant, filters)` answers the stats endpoint and the portal page alike:
attempts, conversions (approved / attempts), time to verify (median, p90, mean), failures by
reason and cost, in total, per channel, per country and per day. Cost is the sum of the
attempts' prices as recorded on each attempt (Twilio's Verify list prices); `reconciliation`
sets it beside what Twilio's `verify-*` usage records say (`verify.usage`, read hourly).

`staff_tenant_overview(start, end)` is the deliberate cross-tenant read behind the admin's
overview: the same totals per tenant.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Sum

from isvplatform.labels import label_for, register_labels
from tenants.models import Tenant
from verify import ttv, usage
from verify.models import Channel, VerificationDailyRollup

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 366


class FailureReason(models.TextChoices):
    """The reasons a verification ends without approval, as people read them."""

    EXPIRED = "expired", "Code expired unused"
    CANCELED = "canceled", "Cancelled"
    MAX_ATTEMPTS = "max_attempts_reached", "Too many wrong codes"
    FAILED = "failed", "Not sent"
    INVALID = "60200", "Refused by Twilio: invalid parameter"
    MAX_SENDS = "60203", "Too many sends to this number"
    LANDLINE = "60205", "Landline: SMS not supported"
    CONCURRENT = "60212", "Too many verifications at once to this number"
    CHANNEL_DISABLED = "60223", "Channel disabled"
    BLOCKED = "60238", "Blocked by Twilio"
    FRAUD_GUARD = "60410", "Blocked by Fraud Guard (SMS pumping)"
    GEO = "60605", "Country not allowed"


register_labels("verify_failure", FailureReason)


@dataclass(frozen=True)
class StatsFilters:
    start: dt.date
    end: dt.date
    channel: str = ""
    country: str = ""


_FAILURE_LABELS = {value: str(label) for value, label in FailureReason.choices}


def failure_label(reason: str) -> str:
    if reason in _FAILURE_LABELS:
        return _FAILURE_LABELS[reason]
    return f"Twilio error {reason}" if reason.isdigit() else label_for(reason, "verify_failure")


@dataclass
class _Figures:
    """Running totals of rollup rows, turned into the figures people read."""

    attempts: int = 0
    approved: int = 0
    ttv_sum: float = 0.0
    histogram: dict[str, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    cost: Decimal = Decimal(0)
    cost_unit: str = ""

    def add(self, attempts, approved, failures, ttv_sum, histogram, cost, unit) -> None:
        self.attempts += attempts
        self.approved += approved
        self.ttv_sum += ttv_sum
        ttv.merge_into(self.histogram, histogram)
        for reason, count in failures.items():
            self.failures[reason] = self.failures.get(reason, 0) + count
        self.cost += cost
        self.cost_unit = self.cost_unit or unit

    def absorb(self, other: "_Figures") -> None:
        self.add(other.attempts, other.approved, other.failures, other.ttv_sum,
                 other.histogram, other.cost, other.cost_unit)  # fmt: skip

    def as_dict(self) -> dict:
        approved_timed = sum(self.histogram.values())
        median, p90 = ttv.quantile(self.histogram, 0.5), ttv.quantile(self.histogram, 0.9)
        failures = sorted(self.failures.items(), key=lambda item: (-item[1], item[0]))
        return {
            "attempts": self.attempts,
            "approved": self.approved,
            "conversion_rate": round(self.approved / self.attempts, 4) if self.attempts else None,
            "time_to_verify": {
                "median_seconds": median,
                "p90_seconds": p90,
                "mean_seconds": round(self.ttv_sum / approved_timed, 1) if approved_timed else None,
            },
            "failures": [
                {"reason": reason, "label": failure_label(reason), "count": count}
                for reason, count in failures
            ],
            "cost": {"amount": f"{self.cost:.5f}", "currency": self.cost_unit or "USD"},
        }


def _rollups(tenant: Tenant, filters: StatsFilters):
    rows = VerificationDailyRollup.objects.for_tenant(tenant).filter(
        day__gte=filters.start, day__lte=filters.end
    )
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.country:
        rows = rows.filter(country=filters.country)
    return rows.order_by().values_list(
        "day", "channel", "country", "attempts", "approved", "failures",
        "ttv_sum_seconds", "ttv_histogram", "cost", "cost_unit",
    )  # fmt: skip


def _reconciliation(tenant: Tenant, filters: StatsFilters, total: "_Figures") -> dict:
    """Twilio's billed figure beside the attempts' prices (unfiltered: usage records are
    per account and category, not per country)."""
    twilio = usage.twilio_cost(tenant, filters.start, filters.end)
    unfiltered = total.cost
    if filters.channel or filters.country:
        rows = VerificationDailyRollup.objects.for_tenant(tenant).filter(
            day__gte=filters.start, day__lte=filters.end
        )
        unfiltered = rows.aggregate(cost=Sum("cost"))["cost"] or Decimal(0)
    difference = Decimal(twilio["amount"]) - unfiltered
    return {
        "twilio_cost": twilio,
        "difference": {"amount": f"{difference:.5f}", "currency": twilio["currency"]},
    }


def verification_stats(tenant: Tenant, filters: StatsFilters) -> dict:
    """The period's figures in total, per channel, per country and per day."""
    total = _Figures()
    channels: dict[str, _Figures] = defaultdict(_Figures)
    countries: dict[str, _Figures] = defaultdict(_Figures)
    daily: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for day, channel, country, *figures in _rollups(tenant, filters):
        channels[channel].add(*figures)
        countries[country].add(*figures)
        daily[day][0] += figures[0]
        daily[day][1] += figures[1]
    for figures in channels.values():  # the total: a few channels, not every row again
        total.absorb(figures)
    days = (filters.end - filters.start).days + 1
    return {
        "period": {"from": filters.start, "to": filters.end, "days": days},
        "filters": {"channel": filters.channel, "country": filters.country},
        "totals": {**total.as_dict(), "ttv_distribution": ttv.coarse(total.histogram)},
        "reconciliation": _reconciliation(tenant, filters, total),
        "by_channel": [
            {"channel": ch, "label": Channel(ch).label, **fig.as_dict()}
            for ch, fig in sorted(channels.items(), key=lambda item: -item[1].attempts)
        ],
        "by_country": [
            {"country": cc, **fig.as_dict()}
            for cc, fig in sorted(countries.items(), key=lambda item: (-item[1].attempts, item[0]))
        ],
        "daily": [
            {"day": day, "attempts": daily[day][0], "approved": daily[day][1]}
            for day in (filters.start + dt.timedelta(days=n) for n in range(days))
        ],
    }


def staff_tenant_overview(start: dt.date, end: dt.date) -> list[dict]:
    """Every tenant's totals over [start, end], busiest first (staff only: crosses tenants)."""
    rows = (
        VerificationDailyRollup.objects.filter(day__gte=start, day__lte=end)
        .values("tenant_id", "tenant__name", "tenant__slug")
        .annotate(
            attempts=Sum("attempts"),
            approved=Sum("approved"),
            ttv_sum=Sum("ttv_sum_seconds"),
            cost=Sum("cost"),
        )
        .order_by("-attempts", "tenant__name")
    )
    return [
        {
            **row,
            "conversion_rate": row["approved"] / row["attempts"] if row["attempts"] else None,
            "mean_ttv": row["ttv_sum"] / row["approved"] if row["approved"] else None,
        }
        for row in rows
    ]
