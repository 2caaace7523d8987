"""Which price plan a tenant is on, changing it, and checking a plan staff defined.

A tenant is on the plan of its latest `TenantPlan` that has started, else on the default
plan. A change takes effect at the next period start, so a running period is never priced
on two plans; a tenant's first-ever plan starts with the current period (there is nothing
to keep it from). Changing again before the change started replaces the waiting change.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from billing import periods
from billing.categories import category_label
from billing.models import PricePlan, TenantPlan
from provisioning.models import TwilioSubaccount
from provisioning.selectors import open_subaccount
from tenants.models import Tenant
from tenants.services import Actor, record_audit, tenant_lock


def _plans(ids: Iterable[int]) -> dict[int, PricePlan]:
    """Plans by id with their rates and tiers (one query each), for pricing."""
    return {
        p.pk: p for p in PricePlan.objects.filter(pk__in=set(ids)).prefetch_related("rates__tiers")
    }


def default_plan() -> PricePlan | None:
    return PricePlan.objects.filter(is_default=True).prefetch_related("rates__tiers").first()


def plan_for(tenant: Tenant | int, day: dt.date) -> PricePlan | None:
    """The plan priced on `day`: the tenant's assignment then, else the default plan."""
    plan_id = (
        TenantPlan.objects.for_tenant(tenant)
        .filter(starts_on__lte=day)
        .order_by("-starts_on")
        .values_list("plan_id", flat=True)
        .first()
    )
    if plan_id is None:
        return default_plan()
    return _plans([plan_id])[plan_id]


def plans_on(
    tenant_ids: Iterable[int], days: Iterable[dt.date]
) -> dict[tuple[int, dt.date], PricePlan | None]:
    """(tenant id, day) -> the plan priced that day, for many tenants at once (staff
    overviews): assignments and plans are each fetched once."""
    tenant_ids, days = set(tenant_ids), sorted(set(days))
    if not days:
        return {}
    # Deliberately across tenants: staff's overview of every tenant's spend.
    assignments = TenantPlan.objects.filter(tenant_id__in=tenant_ids, starts_on__lte=days[-1])
    by_tenant: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for tenant_id, starts_on, plan_id in assignments.values_list(
        "tenant_id", "starts_on", "plan_id"
    ):
        by_tenant[tenant_id].append((starts_on, plan_id))
    plans = _plans(plan_id for rows in by_tenant.values() for _, plan_id in rows)
    fallback = default_plan()
    found: dict[tuple[int, dt.date], PricePlan | None] = {}
    for tenant_id in tenant_ids:
        rows = sorted(by_tenant.get(tenant_id, []), reverse=True)
        for day in days:
            plan_id = next((p for starts_on, p in rows if starts_on <= day), None)
            found[(tenant_id, day)] = plans[plan_id] if plan_id is not None else fallback
    return found


def fees_only(tenant: Tenant) -> bool:
    """A tenant on its own Twilio account pays Twilio itself: only fees are charged."""
    sub = open_subaccount(tenant)
    return sub is not None and sub.billing_mode == TwilioSubaccount.BillingMode.FEES_ONLY


def fees_only_tenants(tenant_ids: Iterable[int]) -> set[int]:
    """The tenants among `tenant_ids` on their own Twilio account (one query)."""
    return set(
        TwilioSubaccount.objects.filter(
            tenant_id__in=set(tenant_ids), origin=TwilioSubaccount.Origin.CONNECTED
        )
        .exclude(status=TwilioSubaccount.Status.CLOSED)
        .values_list("tenant_id", flat=True)
    )


def plan_change(*, tenant: Tenant, plan: PricePlan, actor: Actor) -> TenantPlan:
    """Put the tenant on `plan` from the next period start (its first plan: from this
    period's start), replacing a change that has not started yet; audited."""
    if not plan.active:
        raise ValidationError(
            {"plan": f"The plan “{plan.name}” is not active: it can't be assigned."}
        )
    today = periods.today()
    with transaction.atomic():
        tenant_lock(tenant.pk)
        rows = TenantPlan.objects.for_tenant(tenant).select_related("plan")
        if not rows.exists():
            return _assign(tenant, plan, actor, periods.period_start(today), old=default_plan())
        current = rows.filter(starts_on__lte=today).first()
        waiting = rows.filter(starts_on__gt=today).first()
        running = current.plan if current else default_plan()
        old = waiting.plan if waiting else running
        if old is not None and old.pk == plan.pk:
            return waiting or current
        starts_on = periods.next_period_start(today)
        rows.filter(starts_on__gt=today).exclude(starts_on=starts_on).delete()
        if current is not None and running.pk == plan.pk:
            # Back to the plan already running: the waiting change is withdrawn.
            rows.filter(starts_on=starts_on).delete()
            _audit(tenant, actor, current, old, plan, starts_on)
            return current
        return _assign(tenant, plan, actor, starts_on, old=old)


def _assign(
    tenant: Tenant, plan: PricePlan, actor: Actor, starts_on: dt.date, *, old: PricePlan | None
) -> TenantPlan:
    assignment, _ = TenantPlan.objects.update_or_create(
        tenant=tenant, starts_on=starts_on, defaults={"plan": plan, "assigned_by": actor.user}
    )
    _audit(tenant, actor, assignment, old, plan, starts_on)
    return assignment


def _audit(
    tenant: Tenant,
    actor: Actor,
    target: TenantPlan,
    old: PricePlan | None,
    new: PricePlan,
    starts_on: dt.date,
) -> None:
    record_audit(
        tenant=tenant,
        actor=actor,
        action="billing.plan_changed",
        target=target,
        changes={"plan": [old.name if old else None, new.name], "starts_on": starts_on.isoformat()},
    )


def plan_validate(plan: PricePlan) -> None:
    """Refuse a plan that can't price usage: negative money, tiers whose bounds don't
    strictly ascend, or tiers without exactly one open (last) tier. The error names the
    field: `monthly_fee`, `markup_percent` or `tiers`."""
    errors: dict[str, list[str]] = defaultdict(list)
    if plan.monthly_fee is not None and plan.monthly_fee < 0:
        errors["monthly_fee"].append("The monthly fee can't be negative.")
    if plan.markup_percent is not None and plan.markup_percent < 0:
        errors["markup_percent"].append("The markup can't be negative.")
    for rate in plan.rates.all():
        label = category_label(rate.category)
        if rate.markup_percent is not None and rate.markup_percent < 0:
            errors["markup_percent"].append(f"{label}: the markup can't be negative.")
        errors["tiers"].extend(
            f"{label}: {problem}" for problem in _tier_problems(list(rate.tiers.all()))
        )
    errors = {name: problems for name, problems in errors.items() if problems}
    if errors:
        raise ValidationError(errors)


def _tier_problems(tiers: list) -> list[str]:
    if not tiers:
        return []
    problems = []
    if any(t.unit_price is not None and t.unit_price < Decimal(0) for t in tiers):
        problems.append("a tier's unit price can't be negative.")
    open_tiers = [t for t in tiers if t.up_to is None]
    if len(open_tiers) != 1:
        problems.append("exactly one tier must have no upper bound (it takes the rest).")
    bounds = sorted(t.up_to for t in tiers if t.up_to is not None)
    if any(b <= 0 for b in bounds):
        problems.append("a tier's upper bound must be at least 1.")
    if len(set(bounds)) != len(bounds):
        problems.append("tier upper bounds must strictly ascend (two tiers share a bound).")
    return problems
