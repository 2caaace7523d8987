"""This period against the plan, a forecast to period end, and staff's spend per tenant.

- The period overview prices the usage so far exactly as its statement would
  (`pricing.period_charge`): `charge_so_far` is the usage charge so far plus the plan's
  monthly fee (the statement's total if the period ended today).
- The forecast extrapolates each category's usage linearly over the elapsed days, today
  counting as elapsed (on the 10th of a 31-day month: units so far x 31 / 10), and prices
  the forecast units through `price_usage`, so included units and tiers apply to the
  forecast volume rather than scaling the money. Numbers (number-months) are rent Twilio
  charges once a period: they are not extrapolated.
- The spend overview across tenants prices every (tenant, period) the range touches on
  that period's plan, from one GROUP BY over the usage records and the plans fetched once;
  a period's monthly fee counts in full for each tenant with usage in it.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from billing import periods
from billing.categories import LEAVES, category_label
from billing.models import PricePlan, UsageRecord
from billing.services.plans import fees_only, fees_only_tenants, plan_for, plans_on
from billing.services.pricing import (
    UNITS,
    CategoryUsage,
    included_allowance,
    money,
    period_charge,
)
from billing.services.statements import period_usage
from tenants.models import Tenant

# Rent charged once a period: the forecast keeps it as it is.
NOT_EXTRAPOLATED_UNITS = {"number-months"}


@dataclass(frozen=True)
class OverviewLine:
    category: str
    label: str
    units: Decimal
    included_units: int  # the plan's allowance for the period
    remaining_included: Decimal
    amount: Decimal  # charged so far (five decimals)
    twilio_cost: Decimal
    forecast_units: Decimal
    forecast_amount: Decimal


@dataclass(frozen=True)
class PeriodOverview:
    period_start: dt.date
    period_end: dt.date
    plan: PricePlan | None
    currency: str
    lines: list[OverviewLine]
    twilio_cost: Decimal
    usage_charge: Decimal  # cents
    charge_so_far: Decimal  # usage so far + the monthly fee, cents
    monthly_fee: Decimal
    forecast_total: Decimal  # forecast usage charge + the monthly fee, cents
    forecast_cost: Decimal  # Twilio's cost at the forecast volume
    days_elapsed: int
    days_in_period: int
    fees_only: bool = False


def _forecast(category: str, used: CategoryUsage, factor: Decimal) -> CategoryUsage:
    leaf = LEAVES.get(category)
    if leaf is not None and leaf.unit in NOT_EXTRAPOLATED_UNITS:
        return used
    return CategoryUsage(
        units=(used.units * factor).quantize(UNITS), cost=money(used.cost * factor)
    )


def period_overview(tenant: Tenant, today: dt.date | None = None) -> PeriodOverview:
    """The running period so far, against the tenant's plan, with its forecast."""
    today = today or periods.today()
    start, end = periods.period_start(today), periods.period_end(today)
    days_elapsed = (today - start).days + 1
    days_in_period = periods.period_days(start)
    factor = Decimal(days_in_period) / Decimal(days_elapsed)
    plan = plan_for(tenant, start)
    only_fees = fees_only(tenant)
    usage = period_usage(tenant, start, today)
    for rate in plan.rates.all() if plan else []:
        if rate.included_units and rate.category not in usage:
            usage[rate.category] = CategoryUsage(units=Decimal(0), cost=Decimal(0))
    forecast = {category: _forecast(category, used, factor) for category, used in usage.items()}
    now = period_charge(plan, usage, fees_only=only_fees)
    then = period_charge(plan, forecast, fees_only=only_fees)
    lines = []
    for category, price in now.lines.items():
        allowance = included_allowance(plan, category)
        units = usage[category].units
        lines.append(
            OverviewLine(
                category=category,
                label=category_label(category),
                units=units,
                included_units=allowance,
                remaining_included=max(Decimal(allowance) - units, Decimal(0)),
                amount=price.amount,
                twilio_cost=now.costs[category],
                forecast_units=forecast[category].units,
                forecast_amount=then.lines[category].amount,
            )
        )
    return PeriodOverview(
        period_start=start,
        period_end=end,
        plan=plan,
        currency=plan.currency if plan else "USD",
        lines=lines,
        twilio_cost=now.twilio_cost,
        usage_charge=now.usage_charge,
        charge_so_far=now.total,
        monthly_fee=now.monthly_fee,
        forecast_total=then.total,
        forecast_cost=then.twilio_cost,
        days_elapsed=days_elapsed,
        days_in_period=days_in_period,
        fees_only=only_fees,
    )


@dataclass
class TenantSpend:
    tenant_id: int
    tenant_name: str
    twilio_cost: Decimal = Decimal(0)
    charge: Decimal = Decimal(0)
    margin: Decimal = Decimal(0)
    period_starts: list[dt.date] = field(default_factory=list)


def tenant_spend_overview(start: dt.date, end: dt.date) -> list[TenantSpend]:
    """Staff's view of every tenant with usage in [start, end]: Twilio's cost, what the
    plans charge and the margin, the biggest cost first."""
    # Deliberately across tenants: staff's overview. One GROUP BY for the whole range.
    rows = (
        UsageRecord.objects.filter(day__gte=start, day__lte=end, category__in=LEAVES)
        .annotate(month=TruncMonth("day"))
        .values("tenant_id", "month", "category")
        .annotate(usage=Sum("usage"), price=Sum("price"))
    )
    usage: dict[tuple[int, dt.date], dict[str, CategoryUsage]] = defaultdict(dict)
    for r in rows:
        month = r["month"].date() if isinstance(r["month"], dt.datetime) else r["month"]
        usage[(r["tenant_id"], month)][r["category"]] = CategoryUsage(
            units=Decimal(r["usage"] or 0), cost=Decimal(r["price"] or 0)
        )
    tenant_ids = {tenant_id for tenant_id, _ in usage}
    plans = plans_on(tenant_ids, (month for _, month in usage))
    own_account = fees_only_tenants(tenant_ids)
    names = dict(Tenant.objects.filter(pk__in=tenant_ids).values_list("pk", "name"))
    spend = {tid: TenantSpend(tid, names.get(tid, str(tid))) for tid in tenant_ids}
    for (tenant_id, month), used in sorted(usage.items()):
        charge = period_charge(plans[(tenant_id, month)], used, fees_only=tenant_id in own_account)
        entry = spend[tenant_id]
        entry.twilio_cost += charge.twilio_cost
        entry.charge += charge.total
        entry.margin += charge.margin
        entry.period_starts.append(month)
    return sorted(spend.values(), key=lambda s: (-s.twilio_cost, s.tenant_name, s.tenant_id))
