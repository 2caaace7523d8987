"""Which plan a tenant is on, changing it (next period, audited), and checking a plan."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import periods
from billing.models import TenantPlan
from billing.services.plans import plan_change, plan_for, plan_validate, plans_on
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    TenantPlanFactory,
)
from tenants.audit_labels import audit_action_label
from tenants.models import AuditEvent
from tenants.services import Actor

TODAY = dt.date(2026, 12, 10)
DEC, JAN = dt.date(2026, 12, 1), dt.date(2027, 1, 1)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def actor(staff_user):
    return Actor(user=staff_user)


def audits(tenant):
    return list(AuditEvent.objects.for_tenant(tenant).filter(action="billing.plan_changed"))


def test_a_tenant_without_a_plan_is_on_the_default_one(tenant):
    assert plan_for(tenant, TODAY) is None
    default = PricePlanFactory(is_default=True)
    assert plan_for(tenant, TODAY) == default


def test_an_assignment_applies_from_its_start(tenant):
    PricePlanFactory(is_default=True)
    now, later = PricePlanFactory(), PricePlanFactory()
    TenantPlanFactory(tenant=tenant, plan=now, starts_on=DEC)
    TenantPlanFactory(tenant=tenant, plan=later, starts_on=JAN)
    assert plan_for(tenant, TODAY) == now
    assert plan_for(tenant, JAN) == later


def test_the_first_plan_starts_with_the_current_period_and_is_audited(tenant, actor):
    plan = PricePlanFactory(name="Growth")
    assignment = plan_change(tenant=tenant, plan=plan, actor=actor)
    assert assignment.starts_on == DEC
    assert plan_for(tenant, TODAY) == plan
    [event] = audits(tenant)
    assert event.changes == {"plan": [None, "Growth"], "starts_on": "2026-12-01"}
    assert event.actor_user == actor.user


def test_a_change_takes_effect_at_the_next_period_and_is_audited(tenant, actor):
    starter, growth = PricePlanFactory(name="Starter"), PricePlanFactory(name="Growth")
    TenantPlanFactory(tenant=tenant, plan=starter, starts_on=DEC)
    assignment = plan_change(tenant=tenant, plan=growth, actor=actor)
    assert assignment.starts_on == JAN
    assert plan_for(tenant, TODAY) == starter  # this period stays on its plan
    assert plan_for(tenant, JAN) == growth
    [event] = audits(tenant)
    assert event.changes == {"plan": ["Starter", "Growth"], "starts_on": "2027-01-01"}
    assert audit_action_label(event.action) == "Changed the price plan"


def test_changing_again_before_the_start_replaces_the_waiting_change(tenant, actor):
    starter, growth, scale = (PricePlanFactory(name=n) for n in ("Starter", "Growth", "Scale"))
    TenantPlanFactory(tenant=tenant, plan=starter, starts_on=DEC)
    first = plan_change(tenant=tenant, plan=growth, actor=actor)
    second = plan_change(tenant=tenant, plan=scale, actor=actor)
    assert second.pk == first.pk
    assert TenantPlan.objects.for_tenant(tenant).count() == 2
    assert plan_for(tenant, JAN) == scale
    assert audits(tenant)[0].changes["plan"] == ["Growth", "Scale"]


def test_going_back_to_the_running_plan_withdraws_the_waiting_change(tenant, actor):
    starter, growth = PricePlanFactory(name="Starter"), PricePlanFactory(name="Growth")
    running = TenantPlanFactory(tenant=tenant, plan=starter, starts_on=DEC)
    plan_change(tenant=tenant, plan=growth, actor=actor)
    assert plan_change(tenant=tenant, plan=starter, actor=actor) == running
    assert list(TenantPlan.objects.for_tenant(tenant)) == [running]
    assert plan_for(tenant, JAN) == starter
    assert audits(tenant)[0].changes["plan"] == ["Growth", "Starter"]


def test_choosing_the_plan_already_chosen_changes_nothing(tenant, actor):
    starter = PricePlanFactory()
    running = TenantPlanFactory(tenant=tenant, plan=starter, starts_on=DEC)
    assert plan_change(tenant=tenant, plan=starter, actor=actor) == running
    assert TenantPlan.objects.for_tenant(tenant).count() == 1
    assert audits(tenant) == []


def test_an_inactive_plan_is_refused(tenant, actor):
    retired = PricePlanFactory(active=False)
    with pytest.raises(ValidationError) as err:
        plan_change(tenant=tenant, plan=retired, actor=actor)
    assert list(err.value.message_dict) == ["plan"]
    assert not TenantPlan.objects.for_tenant(tenant).exists()
    assert audits(tenant) == []


def test_a_change_touches_only_its_tenant(tenant, other_tenant, actor):
    theirs = TenantPlanFactory(tenant=other_tenant, starts_on=DEC)
    plan_change(tenant=tenant, plan=PricePlanFactory(), actor=actor)
    assert list(TenantPlan.objects.for_tenant(other_tenant)) == [theirs]
    assert audits(other_tenant) == []


def test_plans_on_many_tenants_match_plan_for(tenant, other_tenant):
    default = PricePlanFactory(is_default=True)
    mine = TenantPlanFactory(tenant=tenant, starts_on=DEC).plan
    found = plans_on([tenant.pk, other_tenant.pk], [DEC, dt.date(2026, 11, 1)])
    assert found[(tenant.pk, DEC)] == mine == plan_for(tenant, DEC)
    assert found[(tenant.pk, dt.date(2026, 11, 1))] == default
    assert found[(other_tenant.pk, DEC)] == default


def test_a_well_formed_plan_validates(db):
    plan = PricePlanFactory()
    rate = PlanRateFactory(plan=plan)
    PriceTierFactory(rate=rate, up_to=10_000)
    PriceTierFactory(rate=rate, up_to=None)
    PlanRateFactory(plan=plan, category="mms-outbound", markup_percent=Decimal("10"))
    plan_validate(plan)


@pytest.mark.parametrize(
    ("setup", "field"),
    [
        (lambda plan: setattr(plan, "monthly_fee", Decimal("-1")), "monthly_fee"),
        (lambda plan: setattr(plan, "markup_percent", Decimal("-5")), "markup_percent"),
        (
            lambda plan: PlanRateFactory(plan=plan, category="mms-outbound", markup_percent=-1),
            "markup_percent",
        ),
        (lambda plan: plan.rates.get().tiers.filter(up_to=None).delete(), "tiers"),
        (lambda plan: plan.rates.get().tiers.update(unit_price=Decimal("-0.01")), "tiers"),
        (lambda plan: PriceTierFactory(rate=plan.rates.get(), up_to=0), "tiers"),
    ],
    ids=["fee", "markup", "rate-markup", "no-open-tier", "negative-price", "zero-bound"],
)
def test_a_malformed_plan_is_refused_naming_the_field(db, setup, field):
    plan = PricePlanFactory()
    rate = PlanRateFactory(plan=plan)
    PriceTierFactory(rate=rate, up_to=10_000)
    PriceTierFactory(rate=rate, up_to=None)
    setup(plan)
    with pytest.raises(ValidationError) as err:
        plan_validate(plan)
    assert list(err.value.message_dict) == [field]
