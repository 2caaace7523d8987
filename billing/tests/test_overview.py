"""This period against the plan with a forecast to period end, and staff's spend per tenant."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import periods
from billing.services.overview import period_overview, tenant_spend_overview
from billing.services.statements import statement_build
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    TenantPlanFactory,
    UsageRecordFactory,
)
from provisioning.models import TwilioSubaccount
from provisioning.tests.factories import SubaccountFactory
from tenants.tests.factories import TenantFactory

D = Decimal
NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
TODAY = dt.date(2026, 12, 10)  # 10 of December's 31 days elapsed, today included


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


def growth_plan():
    """SMS: 500 included, first 10,000 billable at 0.0100, the rest 0.0080; Verify by SMS:
    100 included then cost + the plan's 20%; 29.00 a month."""
    plan = PricePlanFactory(monthly_fee=D("29.00"), markup_percent=D("20.00"))
    sms = PlanRateFactory(plan=plan, category="sms-outbound", included_units=500)
    PriceTierFactory(rate=sms, up_to=10_000, unit_price=D("0.01000"))
    PriceTierFactory(rate=sms, up_to=None, unit_price=D("0.00800"))
    PlanRateFactory(plan=plan, category="verify-sms", included_units=100)
    PlanRateFactory(plan=plan, category="mms-outbound", included_units=50)
    return plan


def use(tenant, day, category, units, price):
    return UsageRecordFactory(
        tenant=tenant, day=day, category=category, count=int(units), usage=D(units), price=D(price)
    )


@pytest.fixture
def on_growth(tenant):
    TenantPlanFactory(tenant=tenant, plan=growth_plan(), starts_on=NOV)
    use(tenant, DEC, "sms-outbound", 1_000, "7.90000")
    use(tenant, TODAY, "sms-outbound", 2_000, "15.80000")
    use(tenant, TODAY, "verify-sms", 40, "2.00000")
    use(tenant, DEC, "phonenumbers-local", 1, "1.15000")
    return tenant


def test_the_period_so_far_against_the_plan(on_growth):
    overview = period_overview(on_growth)
    assert (overview.period_start, overview.period_end) == (DEC, dt.date(2026, 12, 31))
    assert (overview.days_elapsed, overview.days_in_period) == (10, 31)
    lines = {line.category: line for line in overview.lines}
    # SMS: 3,000 so far, 500 included (none left): 2,500 x 0.0100 = 25.00
    sms = lines["sms-outbound"]
    assert (sms.units, sms.included_units, sms.remaining_included) == (D(3_000), 500, D(0))
    assert sms.amount == D("25.00000")
    # Verify: 40 of 100 included used, 60 left, nothing charged
    verify = lines["verify-sms"]
    assert (verify.remaining_included, verify.amount) == (D(60), D(0))
    # MMS: not used yet, but the plan includes 50: shown with all 50 left
    assert (lines["mms-outbound"].units, lines["mms-outbound"].remaining_included) == (0, 50)
    # Numbers: no rate, cost + 20%: 1.15 x 1.20 = 1.38
    assert lines["phonenumbers-local"].amount == D("1.38000")
    # 25.00 + 1.38 = 26.38 so far; + 29.00 fee = 55.38; Twilio 7.90 + 15.80 + 2.00 + 1.15
    assert (overview.usage_charge, overview.charge_so_far) == (D("26.38"), D("55.38"))
    assert overview.twilio_cost == D("26.85")
    assert overview.monthly_fee == D("29.00")


def test_the_forecast_prices_forecast_units_through_the_plan(on_growth):
    overview = period_overview(on_growth)
    lines = {line.category: line for line in overview.lines}
    # SMS: 3,000 x 31/10 = 9,300; 8,800 billable x 0.0100 = 88.00
    # (scaling the money instead would say 25.00 x 3.1 = 77.50)
    assert lines["sms-outbound"].forecast_units == D(9_300)
    assert lines["sms-outbound"].forecast_amount == D("88.00000")
    # Verify: 40 x 3.1 = 124, 24 billable; cost 2.00 x 3.1 = 6.20, its billable share
    # 6.20 x 24/124 = 1.20, + 20% = 1.44
    assert lines["verify-sms"].forecast_units == D(124)
    assert lines["verify-sms"].forecast_amount == D("1.44000")
    # Numbers are monthly rent: not extrapolated (1 number, 1.38)
    assert lines["phonenumbers-local"].forecast_units == D(1)
    assert lines["phonenumbers-local"].forecast_amount == D("1.38000")
    # 88.00 + 1.44 + 1.38 = 90.82 usage; + 29.00 fee = 119.82
    assert overview.forecast_total == D("119.82")
    # Twilio: (7.90 + 15.80 + 2.00) x 3.1 = 79.67, + 1.15 rent = 80.82
    assert overview.forecast_cost == D("80.82")


def test_on_the_periods_last_day_the_forecast_is_the_charge(on_growth):
    overview = period_overview(on_growth, today=dt.date(2026, 12, 31))
    assert overview.days_elapsed == overview.days_in_period == 31
    assert overview.forecast_total == overview.charge_so_far
    assert overview.forecast_total == statement_build(on_growth.pk, DEC).total


def test_the_overview_counts_only_the_tenants_usage(on_growth, other_tenant):
    use(other_tenant, TODAY, "sms-outbound", 90_000, "711.00000")
    overview = period_overview(on_growth)
    assert overview.twilio_cost == D("26.85")
    assert period_overview(other_tenant).twilio_cost == D("711.00")


def test_a_tenant_without_a_plan_is_charged_at_cost(tenant):
    use(tenant, TODAY, "sms-outbound", 100, "0.79000")
    overview = period_overview(tenant)
    assert overview.plan is None and overview.currency == "USD"
    # 0.79 so far over 10 days: 0.79 x 3.1 = 2.449 -> 2.45 forecast
    assert (overview.charge_so_far, overview.forecast_total) == (D("0.79"), D("2.45"))


def test_staff_spend_matches_the_statements_biggest_cost_first(on_growth, other_tenant):
    SubaccountFactory(tenant=other_tenant, origin=TwilioSubaccount.Origin.CONNECTED)
    TenantPlanFactory(tenant=other_tenant, plan=growth_plan(), starts_on=NOV)
    use(other_tenant, TODAY, "sms-outbound", 20_000, "158.00000")
    spend = tenant_spend_overview(DEC, TODAY)
    assert [s.tenant_id for s in spend] == [other_tenant.pk, on_growth.pk]
    theirs, mine = spend
    statement = statement_build(on_growth.pk, DEC)
    assert (mine.twilio_cost, mine.charge, mine.margin) == (
        statement.twilio_cost,
        statement.total,
        statement.margin,
    )
    assert mine.tenant_name == on_growth.name
    # Their own Twilio account: only the fee is charged, and it is all margin.
    assert (theirs.twilio_cost, theirs.charge, theirs.margin) == (D("158"), D("29.00"), D("29.00"))


def test_staff_spend_prices_each_period_on_its_own(tenant):
    PricePlanFactory(is_default=True, monthly_fee=D("10.00"), markup_percent=D("50.00"))
    use(tenant, dt.date(2026, 11, 20), "sms-outbound", 10, "1.00000")
    use(tenant, DEC, "sms-outbound", 10, "2.00000")
    [entry] = tenant_spend_overview(NOV, TODAY)
    # Nov: 1.00 x 1.5 + 10.00 fee = 11.50; Dec: 2.00 x 1.5 + 10.00 = 13.00
    assert entry.charge == D("24.50")
    assert entry.margin == D("21.50")  # 24.50 - 3.00
    assert entry.period_starts == [NOV, DEC]


def test_staff_spend_takes_the_same_queries_for_more_tenants(db):
    def spread(n):
        for _ in range(n):
            tenant = TenantFactory()
            TenantPlanFactory(tenant=tenant, plan=growth_plan(), starts_on=NOV)
            use(tenant, TODAY, "sms-outbound", 600, "4.74000")
            use(tenant, TODAY, "verify-sms", 1, "0.05000")

    spread(2)
    with CaptureQueriesContext(connection) as few:
        assert len(tenant_spend_overview(DEC, TODAY)) == 2
    spread(6)
    with CaptureQueriesContext(connection) as many:
        assert len(tenant_spend_overview(DEC, TODAY)) == 8
    assert len(many) == len(few)
