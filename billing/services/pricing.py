"""What a price plan charges for a period's usage of one category, and for a whole period.

The rules, per category, for one billing period:

- The plan's `PlanRate` for the category gives `included_units`: that many units are free
  each period. `LinePrice.included_units` is the part of the usage they cover
  (min(units, allowance)); `billable_units` is the rest (units - allowance, floor 0).
- With `PriceTier`s the billable units are charged GRADUATED: a tier's `up_to` counts
  billable units from the period's first billable unit, so with tiers "up to 10,000 at
  0.0100" and "the rest at 0.0080", 12,000 billable units cost
  10,000 x 0.0100 + 2,000 x 0.0080.
- With no tiers the category is charged at Twilio's cost plus a markup (the rate's
  `markup_percent`, else the plan's); included units then waive their share of the cost:
  amount = cost x billable/units x (1 + markup/100).
- A category with no rate is charged at cost plus the plan's `markup_percent`.
- No plan at all (`plan=None`): at cost (markup 0).

Amounts keep five decimals (Decimal, ROUND_HALF_UP), like Twilio's prices; a period's
totals (`period_charge`, and so statements) are rounded to cents.

A tenant on its own Twilio account (billing mode "platform fees only") pays Twilio itself:
its usage is shown with units and Twilio's cost but charged 0, and only the plan's monthly
fee is charged. Its margin is then the whole charge, since the platform pays no Twilio cost.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from billing.categories import LEAVES
from billing.models import PlanRate, PricePlan

FIVE = Decimal("0.00001")
CENTS = Decimal("0.01")
UNITS = Decimal("0.0001")


def money(value: Decimal) -> Decimal:
    """Five decimals, like Twilio's prices."""
    return Decimal(value).quantize(FIVE, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LinePrice:
    included_units: Decimal
    billable_units: Decimal
    amount: Decimal
    # Tiers used: [{"up_to", "units", "unit_price", "amount"}]; or cost plus:
    # {"markup_percent", "cost"} (the cost the markup was applied to).
    breakdown: list[dict[str, Any]] | dict[str, Any]


def plan_rate(plan: PricePlan | None, category: str) -> PlanRate | None:
    """The plan's rate for `category` (read through `rates.all()`, so a prefetch serves it)."""
    if plan is None:
        return None
    return next((r for r in plan.rates.all() if r.category == category), None)


def included_allowance(plan: PricePlan | None, category: str) -> int:
    rate = plan_rate(plan, category)
    return rate.included_units if rate is not None else 0


def price_usage(plan: PricePlan | None, category: str, units: Decimal, cost: Decimal) -> LinePrice:
    """The charge for a period's `units` of `category` that cost the platform `cost`."""
    units, cost = Decimal(units), Decimal(cost)
    rate = plan_rate(plan, category)
    allowance = Decimal(rate.included_units if rate is not None else 0)
    included = min(units, allowance)
    billable = max(units - allowance, Decimal(0))
    tiers = _sorted_tiers(rate)
    if tiers:
        amount, breakdown = _graduated(tiers, billable)
        return LinePrice(included, billable, amount, breakdown)
    if plan is None:
        markup = Decimal(0)
    elif rate is not None and rate.markup_percent is not None:
        markup = rate.markup_percent
    else:
        markup = plan.markup_percent
    billed_cost = cost * billable / units if units > 0 else cost
    amount = money(billed_cost * (1 + Decimal(markup) / 100))
    return LinePrice(
        included, billable, amount, {"markup_percent": str(markup), "cost": str(money(billed_cost))}
    )


def _sorted_tiers(rate: PlanRate | None) -> list:
    if rate is None:
        return []
    return sorted(rate.tiers.all(), key=lambda t: (t.up_to is None, t.up_to or 0))


def _graduated(tiers: list, billable: Decimal) -> tuple[Decimal, list[dict[str, Any]]]:
    total, breakdown, lower = Decimal(0), [], Decimal(0)
    for tier in tiers:
        upper = billable if tier.up_to is None else min(Decimal(tier.up_to), billable)
        taken = upper - lower
        if taken <= 0:
            break
        amount = money(taken * tier.unit_price)
        breakdown.append(
            {
                "up_to": tier.up_to,
                "units": str(taken),
                "unit_price": str(tier.unit_price),
                "amount": str(amount),
            }
        )
        total += amount
        lower = upper
    return money(total), breakdown


@dataclass(frozen=True)
class CategoryUsage:
    """What a period's usage of one category was (units: Twilio's billed `usage`)."""

    units: Decimal
    cost: Decimal


@dataclass
class PeriodCharge:
    """A period priced: each category's price, and the totals a statement shows."""

    fees_only: bool = False
    lines: dict[str, LinePrice] = field(default_factory=dict)
    costs: dict[str, Decimal] = field(default_factory=dict)
    twilio_cost: Decimal = Decimal(0)
    usage_charge: Decimal = Decimal(0)
    monthly_fee: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    # What the platform pays Twilio (nothing when the tenant pays Twilio itself).
    platform_cost: Decimal = Decimal(0)
    margin: Decimal = Decimal(0)


def period_charge(
    plan: PricePlan | None, usage: dict[str, CategoryUsage], *, fees_only: bool = False
) -> PeriodCharge:
    """A period's usage priced category by category (in `LEAVES` order), plus the plan's
    monthly fee: usage charge and total in cents, margin = total - what the platform pays
    Twilio."""
    charge = PeriodCharge(fees_only=fees_only)
    for category in [c for c in LEAVES if c in usage] + [c for c in usage if c not in LEAVES]:
        used = usage[category]
        price = price_usage(plan, category, used.units, used.cost)
        if fees_only:
            price = LinePrice(price.included_units, price.billable_units, Decimal(0), {})
        charge.lines[category] = price
        charge.costs[category] = money(used.cost)
        charge.twilio_cost += money(used.cost)
    charge.usage_charge = cents(sum((p.amount for p in charge.lines.values()), Decimal(0)))
    charge.monthly_fee = cents(plan.monthly_fee) if plan is not None else Decimal("0.00")
    charge.total = charge.usage_charge + charge.monthly_fee
    charge.platform_cost = Decimal(0) if fees_only else charge.twilio_cost
    charge.margin = charge.total - charge.platform_cost
    return charge
