"""Monthly statements: lines priced on the plan, totals that reconcile with the usage,
idempotent rebuilds, finalisation once, fees-only tenants, CSV and the beat job."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from billing import periods
from billing.enqueue import REPORT_STATEMENT
from billing.models import Statement, StatementLine, UsageRecord
from billing.selectors import twilio_total
from billing.services.statements import build_due_statements, statement_build, statement_csv_rows
from billing.tasks.statements import build_statements_task
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    TenantPlanFactory,
    UsageRecordFactory,
)
from isvplatform.celery import app
from provisioning.models import TwilioSubaccount
from provisioning.tests.factories import SubaccountFactory

D = Decimal
NOV, DEC = dt.date(2026, 11, 1), dt.date(2026, 12, 1)
today = {"value": dt.date(2026, 12, 10)}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    today["value"] = dt.date(2026, 12, 10)
    monkeypatch.setattr(periods, "today", lambda: today["value"])


@pytest.fixture
def reported(monkeypatch):
    """The ids `billing.report_statement` was queued with (the task itself is Stripe's)."""
    calls = []

    class Recorder:
        def delay(self, *args):
            calls.append(args)

    monkeypatch.setitem(app.tasks, REPORT_STATEMENT, Recorder())
    return calls


@pytest.fixture
def plan(tenant):
    """SMS: 500 included, the first 10,000 billable at 0.0100, the rest at 0.0080; other
    categories at cost + 20%; 29.00 a month."""
    plan = PricePlanFactory(name="Growth", monthly_fee=D("29.00"), markup_percent=D("20.00"))
    rate = PlanRateFactory(plan=plan, category="sms-outbound", included_units=500)
    PriceTierFactory(rate=rate, up_to=10_000, unit_price=D("0.01000"))
    PriceTierFactory(rate=rate, up_to=None, unit_price=D("0.00800"))
    TenantPlanFactory(tenant=tenant, plan=plan, starts_on=NOV)
    return plan


def use(tenant, day, category, units, price, closed=True):
    return UsageRecordFactory(
        tenant=tenant,
        account_sid="AC" + "1" * 32,
        day=day,
        category=category,
        count=int(units),
        usage=D(units),
        price=D(price),
        closed=closed,
    )


def synced_month(tenant, start):
    """12,500 SMS (98.75) over two days and 100 MMS (2.00), with Twilio's own totals."""
    use(tenant, start, "sms-outbound", 5_000, "39.50000")
    use(tenant, start + dt.timedelta(days=1), "sms-outbound", 7_500, "59.25000")
    use(tenant, start + dt.timedelta(days=1), "mms-outbound", 100, "2.00000")
    use(tenant, start, "totalprice", 0, "39.50000")
    use(tenant, start + dt.timedelta(days=1), "totalprice", 0, "61.25000")


def test_the_statement_prices_each_category_and_reconciles_with_the_usage(tenant, plan):
    synced_month(tenant, DEC)
    statement = statement_build(tenant.pk, DEC)
    lines = {line.category: line for line in statement.lines.all()}
    # SMS: 12,500 - 500 included = 12,000 billable: 10,000 x 0.0100 + 2,000 x 0.0080 = 116.00
    assert lines["sms-outbound"].units == D(12_500)
    assert lines["sms-outbound"].included_units == D(500)
    assert lines["sms-outbound"].amount == D("116.00000")
    assert lines["sms-outbound"].margin == D("17.25000")  # 116.00 - 98.75
    # MMS: no rate, the plan's 20% on 2.00 = 2.40
    assert lines["mms-outbound"].amount == D("2.40000")
    assert lines[""].kind == StatementLine.Kind.FEE and lines[""].amount == D("29.00000")
    # 116.00 + 2.40 = 118.40 usage; + 29.00 = 147.40; margin 147.40 - 100.75 = 46.65
    assert (statement.usage_charge, statement.monthly_fee) == (D("118.40"), D("29.00"))
    assert (statement.total, statement.twilio_cost) == (D("147.40"), D("100.75"))
    assert statement.margin == D("46.65")
    # The lines' cost is Twilio's own total, and every leaf record's price.
    leaves = UsageRecord.objects.for_tenant(tenant).exclude(category="totalprice")
    assert statement.twilio_cost == twilio_total(tenant, DEC, periods.period_end(DEC))
    assert statement.twilio_cost == sum(r.price for r in leaves)
    assert sum(line.twilio_cost for line in statement.lines.all()) == statement.twilio_cost
    assert sum(line.amount for line in statement.lines.all()) == statement.total
    assert statement.number == f"ST-202612-{tenant.pk:06d}"
    assert (statement.status, statement.plan_name) == (Statement.Status.DRAFT, "Growth")


def test_a_rebuild_is_idempotent_and_keeps_line_ids(tenant, plan):
    synced_month(tenant, DEC)
    first = statement_build(tenant.pk, DEC)
    ids = sorted(first.lines.values_list("pk", flat=True))
    again = statement_build(tenant.pk, DEC)
    assert again.pk == first.pk and again.number == first.number
    assert sorted(again.lines.values_list("pk", flat=True)) == ids
    assert (again.total, again.twilio_cost, again.margin) == (
        first.total,
        first.twilio_cost,
        first.margin,
    )
    assert Statement.objects.for_tenant(tenant).count() == 1


def test_a_draft_rebuild_follows_new_usage(tenant, plan):
    use(tenant, DEC, "sms-outbound", 1_500, "11.85000")
    first = statement_build(tenant.pk, DEC)
    sms_id = first.lines.get(category="sms-outbound").pk
    use(tenant, DEC + dt.timedelta(days=2), "sms-outbound", 1_000, "7.90000")
    use(tenant, DEC + dt.timedelta(days=2), "verify-sms", 2, "0.10000")
    again = statement_build(tenant.pk, DEC)
    sms = again.lines.get(category="sms-outbound")
    # 2,500 - 500 included = 2,000 x 0.0100 = 20.00; Verify 0.10 x 1.20 = 0.12
    assert sms.pk == sms_id and sms.amount == D("20.00000")
    assert again.usage_charge == D("20.12")
    assert again.lines.count() == 3


def test_a_tenants_statement_never_sums_another_tenants_usage(tenant, other_tenant, plan):
    synced_month(tenant, DEC)
    use(other_tenant, DEC, "sms-outbound", 50_000, "395.00000")
    use(other_tenant, DEC, "verify-sms", 10, "0.50000")
    statement = statement_build(tenant.pk, DEC)
    assert statement.twilio_cost == D("100.75")
    assert {line.category for line in statement.lines.all()} == {"sms-outbound", "mms-outbound", ""}
    assert set(
        StatementLine.objects.filter(statement=statement).values_list("tenant", flat=True)
    ) == {tenant.pk}
    theirs = statement_build(other_tenant.pk, DEC)
    assert theirs.twilio_cost == D("395.50")
    assert theirs.plan is None and not theirs.lines.filter(kind=StatementLine.Kind.FEE).exists()


def test_last_period_becomes_final_once_its_last_day_is_closed_and_is_reported_once(
    tenant, plan, reported, settings, django_capture_on_commit_callbacks
):
    settings.BILLING_USAGE_CLOSED_DAYS = 3
    synced_month(tenant, NOV)
    today["value"] = dt.date(2026, 12, 2)  # within BILLING_USAGE_CLOSED_DAYS of the end
    use(tenant, dt.date(2026, 11, 30), "sms-outbound", 0, "0", closed=True)
    with django_capture_on_commit_callbacks(execute=True):
        statement = statement_build(tenant.pk, NOV)
    assert statement.status == Statement.Status.FINAL and statement.finalized_at
    assert reported == [(str(statement.pk),)]
    final_total, finalized_at = statement.total, statement.finalized_at
    # Late usage after finalising: the final statement is never rebuilt, nor reported again.
    use(tenant, dt.date(2026, 11, 15), "verify-sms", 100, "5.00000")
    with django_capture_on_commit_callbacks(execute=True):
        again = statement_build(tenant.pk, NOV)
    again.refresh_from_db()
    assert (again.total, again.finalized_at) == (final_total, finalized_at)
    assert not again.lines.filter(category="verify-sms").exists()
    assert reported == [(str(statement.pk),)]


def test_a_period_whose_last_day_is_not_closed_waits(tenant, plan, reported, settings):
    settings.BILLING_USAGE_CLOSED_DAYS = 3
    use(tenant, dt.date(2026, 11, 30), "sms-outbound", 10, "0.07900", closed=False)
    today["value"] = dt.date(2026, 12, 2)
    assert statement_build(tenant.pk, NOV).status == Statement.Status.DRAFT
    today["value"] = dt.date(2026, 12, 4)  # ended 4 days ago: more than 3
    assert statement_build(tenant.pk, NOV).status == Statement.Status.FINAL


def test_the_running_period_stays_a_draft(tenant, plan, reported):
    use(tenant, DEC, "sms-outbound", 10, "0.07900", closed=True)
    assert statement_build(tenant.pk, DEC).status == Statement.Status.DRAFT
    assert reported == []


def test_a_tenant_on_its_own_twilio_account_pays_only_fees(tenant, plan):
    SubaccountFactory(tenant=tenant, origin=TwilioSubaccount.Origin.CONNECTED)
    synced_month(tenant, DEC)
    statement = statement_build(tenant.pk, DEC)
    sms = statement.lines.get(category="sms-outbound")
    assert (sms.units, sms.twilio_cost, sms.amount) == (D(12_500), D("98.75"), D(0))
    assert statement.billing_mode == TwilioSubaccount.BillingMode.FEES_ONLY
    assert (statement.usage_charge, statement.total) == (D("0.00"), D("29.00"))
    assert statement.twilio_cost == D("100.75")
    assert statement.margin == D("29.00")  # the platform pays Twilio nothing for it


def test_csv_has_cost_and_margin_columns_for_staff_only(tenant, plan):
    synced_month(tenant, DEC)
    statement = statement_build(tenant.pk, DEC)
    staff = statement_csv_rows(statement, with_margin=True)
    mine = statement_csv_rows(statement, with_margin=False)
    assert staff[0][-2:] == ["Twilio cost", "Margin"]
    assert "Margin" not in mine[0] and "Twilio cost" not in mine[0]
    assert len(mine) == len(staff) == 1 + 3 + 1  # header, 3 lines, total
    assert all(len(row) == len(mine[0]) for row in mine)
    sms = next(row for row in staff if row[3] == "sms-outbound")
    assert sms[2:11] == [
        "Outbound SMS",
        "sms-outbound",
        "12500",
        "500",
        "12000",
        "116.00",
        "USD",
        "98.75",
        "17.25",
    ]
    assert staff[-1][2] == "Total" and staff[-1][7:] == ["147.40", "USD", "100.75", "46.65"]
    assert mine[-1][7:] == ["147.40", "USD"]


def test_the_beat_builds_this_periods_drafts_and_finalises_last_periods(
    tenant, other_tenant, plan, reported, django_capture_on_commit_callbacks
):
    synced_month(tenant, NOV)
    use(tenant, dt.date(2026, 11, 30), "sms-inbound", 1, "0.00790", closed=True)
    use(other_tenant, DEC, "sms-outbound", 10, "0.07900")
    with django_capture_on_commit_callbacks(execute=True):
        # tenant: Nov (usage) + Dec (its plan); other_tenant: Dec (usage)
        assert build_statements_task.delay().get() == 3
    mine = {s.period_start: s for s in Statement.objects.for_tenant(tenant)}
    assert mine[NOV].status == Statement.Status.FINAL
    assert mine[DEC].status == Statement.Status.DRAFT and mine[DEC].total == D("29.00")
    assert Statement.objects.for_tenant(other_tenant).get().period_start == DEC
    assert len(reported) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert build_due_statements() == 2  # the final one is left alone
    assert len(reported) == 1


def test_an_overlapping_beat_run_skips(tenant, plan):
    cache.add("billing:cron:statements", "1", timeout=60)
    try:
        assert build_statements_task.delay().get() == 0
    finally:
        cache.delete("billing:cron:statements")
    assert not Statement.objects.for_tenant(tenant).exists()
