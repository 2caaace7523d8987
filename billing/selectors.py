"""Reads of the synced usage: totals per category over a range, and per day for charts.

Only the leaf categories (`billing.categories.LEAVES`) are summed, so nothing counts twice;
Twilio's own `totalprice` rows are what the leaves reconcile against.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from billing.categories import LEAVES, TOTAL
from billing.models import UsageRecord
from tenants.models import Tenant


@dataclass
class UsageTotals:
    count: int = 0
    usage: Decimal = Decimal(0)
    price: Decimal = Decimal(0)


@dataclass
class DayUsage:
    day: dt.date
    price: Decimal = Decimal(0)
    categories: dict[str, UsageTotals] = field(default_factory=dict)


def _records(tenant: Tenant | int, start: dt.date, end: dt.date):
    return UsageRecord.objects.for_tenant(tenant).filter(day__gte=start, day__lte=end)


def usage_totals(tenant: Tenant | int, start: dt.date, end: dt.date) -> dict[str, UsageTotals]:
    """Leaf category -> its count, usage and Twilio price summed over [start, end]."""
    rows = (
        _records(tenant, start, end)
        .filter(category__in=LEAVES)
        .values("category")
        .annotate(count=Sum("count"), usage=Sum("usage"), price=Sum("price"))
    )
    return {
        r["category"]: UsageTotals(r["count"] or 0, r["usage"] or Decimal(0), r["price"] or 0)
        for r in rows
    }


def twilio_total(tenant: Tenant | int, start: dt.date, end: dt.date) -> Decimal:
    """Twilio's own `totalprice` over [start, end] (what the leaves must add up to)."""
    total = _records(tenant, start, end).filter(category=TOTAL).aggregate(p=Sum("price"))["p"]
    return total or Decimal(0)


def daily_usage(tenant: Tenant | int, start: dt.date, end: dt.date) -> list[DayUsage]:
    """One entry per day of [start, end] (days without usage included, at zero)."""
    days = {
        start + dt.timedelta(days=n): DayUsage(start + dt.timedelta(days=n))
        for n in range((end - start).days + 1)
    }
    sums: dict[tuple, UsageTotals] = defaultdict(UsageTotals)
    rows = (
        _records(tenant, start, end)
        .filter(category__in=LEAVES)
        .values("day", "category")
        .annotate(count=Sum("count"), usage=Sum("usage"), price=Sum("price"))
    )
    for r in rows:
        totals = sums[(r["day"], r["category"])]
        totals.count, totals.usage, totals.price = r["count"], r["usage"], r["price"]
    for (day, category), totals in sums.items():
        entry = days[day]
        entry.categories[category] = totals
        entry.price += totals.price
    return list(days.values())
