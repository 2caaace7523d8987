"""A tenant's monthly statement: one usage line per category it used and the plan's
monthly fee, priced by `billing.services.pricing`, with Twilio's cost and the margin.

- Units are Twilio's billed `usage` (segments for SMS, messages for MMS and WhatsApp,
  number-months, verifications): what Twilio charged for, so a unit price applies to what
  the cost was for. The cost is Twilio's price summed over the leaf categories; where the
  synced data has Twilio's own `totalprice` rows, the two must match (a mismatch is logged).
- A tenant on its own Twilio account (billing mode "platform fees only") pays Twilio
  itself: its usage lines show units and cost with amount 0, only the fee is charged, and
  the margin is the whole total.
- The monthly fee is the plan's on the period's first day, whole (no pro-rating).
- While the period runs the statement is a draft, rebuilt in place (lines matched by kind
  and category, so a rebuild with nothing new changes nothing). It becomes final once the
  period has ended and either its last day's usage is closed (synced after the day ended)
  or it ended more than `BILLING_USAGE_CLOSED_DAYS` days ago; a final statement is never
  rebuilt, and becoming final queues its report to Stripe once.
- Its number, `ST-<yyyymm>-<tenant id, 6 digits>`, is stable: one statement per tenant and
  period.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import enqueue, periods
from billing.categories import LEAVES, TOTAL, category_label
from billing.models import PricePlan, Statement, StatementLine, TenantPlan, UsageRecord
from billing.selectors import twilio_total, usage_totals
from billing.services.plans import fees_only, plan_for
from billing.services.pricing import CategoryUsage, PeriodCharge, money, period_charge
from isvplatform.csv_export import safe_cell
from isvplatform.money import format_money
from provisioning.models import TwilioSubaccount
from tenants.models import Tenant
from tenants.services import tenant_lock

logger = logging.getLogger(__name__)

LINE_FIELDS = (
    "position",
    "description",
    "units",
    "included_units",
    "billable_units",
    "twilio_cost",
    "amount",
    "margin",
    "breakdown",
)


def statement_number(tenant_id: int, period_start: dt.date) -> str:
    return f"ST-{period_start:%Y%m}-{tenant_id:06d}"


def period_usage(tenant: Tenant | int, start: dt.date, end: dt.date) -> dict[str, CategoryUsage]:
    """Leaf category -> units (Twilio's billed usage) and cost over [start, end]."""
    return {
        category: CategoryUsage(units=Decimal(t.usage), cost=Decimal(t.price))
        for category, t in usage_totals(tenant, start, end).items()
        if t.usage or t.price or t.count
    }


def statement_build(tenant_id: int, period_start: dt.date) -> Statement:
    """Build or rebuild the tenant's statement of the period that starts on (or contains)
    `period_start`; a final one is returned untouched."""
    start = periods.period_start(period_start)
    end = periods.period_end(start)
    tenant = Tenant.objects.get(pk=tenant_id)
    with transaction.atomic():
        tenant_lock(tenant.pk)
        statement = (
            Statement.objects.for_tenant(tenant)
            .filter(period_start=start)
            .select_for_update()
            .first()
        )
        if statement is not None and statement.status == Statement.Status.FINAL:
            return statement
        plan = plan_for(tenant, start)
        only_fees = fees_only(tenant)
        charge = period_charge(plan, period_usage(tenant, start, end), fees_only=only_fees)
        statement = _save_statement(tenant, statement, start, plan, charge, only_fees)
        _save_lines(statement, plan, charge)
        _check_reconciles(statement)
        if _may_finalise(tenant, end):
            statement.status = Statement.Status.FINAL
            statement.finalized_at = timezone.now()
            statement.save(update_fields=["status", "finalized_at"])
            enqueue.report_statement(statement.pk)
    return statement


def _save_statement(
    tenant: Tenant,
    statement: Statement | None,
    start: dt.date,
    plan: PricePlan | None,
    charge: PeriodCharge,
    only_fees: bool,
) -> Statement:
    mode = TwilioSubaccount.BillingMode
    values = {
        "period_end": periods.period_end(start),
        "plan": plan,
        "plan_name": plan.name if plan else "",
        "currency": plan.currency if plan else "USD",
        "billing_mode": mode.FEES_ONLY if only_fees else mode.FEES_AND_USAGE,
        "twilio_cost": money(charge.twilio_cost),
        "usage_charge": charge.usage_charge,
        "monthly_fee": charge.monthly_fee,
        "total": charge.total,
        "margin": money(charge.margin),
        "generated_at": timezone.now(),
    }
    if statement is None:
        return Statement.objects.create(
            tenant=tenant, period_start=start, number=statement_number(tenant.pk, start), **values
        )
    for name, value in values.items():
        setattr(statement, name, value)
    statement.save(update_fields=list(values))
    return statement


def _wanted_lines(plan: PricePlan | None, charge: PeriodCharge) -> dict[tuple[str, str], dict]:
    wanted: dict[tuple[str, str], dict] = {}
    for position, (category, price) in enumerate(charge.lines.items(), start=1):
        cost = charge.costs[category]
        paid = Decimal(0) if charge.fees_only else cost
        wanted[(StatementLine.Kind.USAGE, category)] = {
            "position": position,
            "description": category_label(category),
            "units": price.included_units + price.billable_units,
            "included_units": price.included_units,
            "billable_units": price.billable_units,
            "twilio_cost": cost,
            "amount": price.amount,
            "margin": money(price.amount - paid),
            "breakdown": price.breakdown,
        }
    if plan is not None and charge.monthly_fee > 0:
        wanted[(StatementLine.Kind.FEE, "")] = {
            "position": len(wanted) + 1,
            "description": f"Monthly fee ({plan.name})",
            "units": Decimal(1),
            "included_units": Decimal(0),
            "billable_units": Decimal(1),
            "twilio_cost": Decimal(0),
            "amount": money(charge.monthly_fee),
            "margin": money(charge.monthly_fee),
            "breakdown": {},
        }
    return wanted


def _save_lines(statement: Statement, plan: PricePlan | None, charge: PeriodCharge) -> None:
    """Lines matched by (kind, category): changed ones updated, new ones added, gone ones
    deleted, so line ids stay put across rebuilds."""
    wanted = _wanted_lines(plan, charge)
    existing = {(line.kind, line.category): line for line in statement.lines.all()}
    gone = [line.pk for key, line in existing.items() if key not in wanted]
    if gone:
        StatementLine.objects.for_tenant(statement.tenant_id).filter(pk__in=gone).delete()
    changed, new = [], []
    for (kind, category), values in wanted.items():
        line = existing.get((kind, category))
        if line is None:
            new.append(
                StatementLine(
                    statement=statement,
                    tenant_id=statement.tenant_id,
                    kind=kind,
                    category=category,
                    **values,
                )
            )
        elif any(getattr(line, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(line, name, value)
            changed.append(line)
    StatementLine.objects.bulk_create(new)
    if changed:
        StatementLine.objects.bulk_update(changed, LINE_FIELDS)


def _check_reconciles(statement: Statement) -> None:
    """The leaves' cost against Twilio's own total, where the synced data has one."""
    has_total = (
        UsageRecord.objects.for_tenant(statement.tenant_id)
        .filter(day__gte=statement.period_start, day__lte=statement.period_end, category=TOTAL)
        .exists()
    )
    if not has_total:
        return
    total = twilio_total(statement.tenant_id, statement.period_start, statement.period_end)
    if money(total) != money(statement.twilio_cost):
        logger.warning(
            "statement %s: the categories' cost %s differs from Twilio's total %s",
            statement.number,
            statement.twilio_cost,
            total,
        )


def _may_finalise(tenant: Tenant, end: dt.date) -> bool:
    today = periods.today()
    if today <= end:
        return False
    if (today - end).days > int(settings.BILLING_USAGE_CLOSED_DAYS):
        return True
    return UsageRecord.objects.for_tenant(tenant).filter(day=end, closed=True).exists()


def statements_due() -> list[tuple[int, dt.date]]:
    """(tenant id, period start) of every statement the beat should (re)build: this
    period's drafts and last period's not-yet-final ones, for tenants with usage in the
    period or an assigned plan that has started by its end."""
    today = periods.today()
    current = periods.period_start(today)
    previous = periods.previous_period_start(today)
    finals = set(
        Statement.objects.filter(period_start=previous, status=Statement.Status.FINAL).values_list(
            "tenant_id", flat=True
        )
    )
    due = []
    for start in (previous, current):
        end = periods.period_end(start)
        # Deliberately across tenants: the beat job looks at every tenant.
        used = UsageRecord.objects.filter(day__gte=start, day__lte=end, category__in=LEAVES)
        planned = TenantPlan.objects.filter(starts_on__lte=end)
        tenant_ids = set(used.values_list("tenant_id", flat=True).distinct()) | set(
            planned.values_list("tenant_id", flat=True).distinct()
        )
        if start == previous:
            tenant_ids -= finals
        due.extend((tenant_id, start) for tenant_id in sorted(tenant_ids))
    return due


def build_due_statements() -> int:
    """The beat's body: queue a (re)build of each statement due; returns how many."""
    due = statements_due()
    for tenant_id, start in due:
        enqueue.build_statement(tenant_id, start)
    return len(due)


def statement_csv_rows(statement: Statement, *, with_margin: bool) -> list[list[str]]:
    """The statement as CSV rows, header first, then its lines and a total row. Staff's
    CSV (`with_margin=True`) adds Twilio's cost and the margin; the tenant's has neither
    (cost and price together would give the margin away)."""
    header = ["Statement", "Period", "Line", "Category", "Units", "Included units"]
    header += ["Billable units", "Amount", "Currency"]
    if with_margin:
        header += ["Twilio cost", "Margin"]
    period = periods.period_key(statement.period_start)
    rows = [header]
    for line in statement.lines.all():
        row = [statement.number, period, line.description, line.category]
        row += [_units(line.units), _units(line.included_units), _units(line.billable_units)]
        row += [_amount(line.amount), statement.currency]
        if with_margin:
            row += [_amount(line.twilio_cost), _amount(line.margin)]
        rows.append([safe_cell(cell) for cell in row])
    total = [statement.number, period, "Total", "", "", "", ""]
    total += [_amount(statement.total), statement.currency]
    if with_margin:
        total += [_amount(statement.twilio_cost), _amount(statement.margin)]
    rows.append(total)
    return rows


def _units(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}"


def _amount(value: Decimal) -> str:
    """The figure `format_money` shows, without its currency (a column of its own)."""
    return format_money(value).split(" ")[0]
