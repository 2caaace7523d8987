"""The billing admin: every page renders for staff, margin is shown there (and in the staff
CSV), changes go through the services and are audited, and the overview across tenants is
staff-only."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from billing import periods
from billing.models import PriceTier, SendingQuota, TenantPlan, UsageLimit
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    SendingQuotaFactory,
    SpendAnomalyFactory,
    StatementFactory,
    StatementLineFactory,
    TenantPlanFactory,
    UsageLimitFactory,
    UsageRecordFactory,
)
from tenants.models import AuditEvent
from tenants.tests.factories import UserFactory
from twofactor.tests.helpers import login_verified

TODAY = dt.date(2026, 12, 10)
DEC = dt.date(2026, 12, 1)
NO_EVENTS = {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def admin_client(staff_user) -> Client:
    client = Client()
    login_verified(client, staff_user)
    return client


@pytest.fixture
def rows(tenant):
    """One object of every billing model."""
    plan = PricePlanFactory(name="Growth")
    rate = PlanRateFactory(plan=plan)
    PriceTierFactory(rate=rate, up_to=None)
    statement = StatementFactory(tenant=tenant, margin=Decimal("31.10000"))
    StatementLineFactory(statement=statement)
    limit = UsageLimitFactory(tenant=tenant)
    quota = SendingQuotaFactory(tenant=tenant)
    return {
        "usagerecord": UsageRecordFactory(tenant=tenant, day=DEC, drift_flagged=True),
        "priceplan": plan,
        "planrate": rate,
        "tenantplan": TenantPlanFactory(tenant=tenant, plan=plan, starts_on=DEC),
        "statement": statement,
        "usagelimit": limit,
        "usagelimitevent": limit.events.create(
            tenant=tenant, percent=100, period_key="2026-12", source="check"
        ),
        "spendanomaly": SpendAnomalyFactory(tenant=tenant),
        "sendingquota": quota,
        "stripemeterreport": statement.reports.create(
            tenant=tenant, identifier="st-1-sms", event_name="isvplatform_usage", value=1000
        ),
        "rampstep": quota.steps.create(
            tenant=tenant, reviewed_on=DEC, from_level=1, to_level=2, daily_limit=250
        ),
    }


def events(tenant, action: str):
    return AuditEvent.objects.for_tenant(tenant).filter(action=action)


def run_action(client, model: str, action: str, objects, **extra):
    return client.post(
        f"/admin/billing/{model}/",
        {"action": action, ACTION_CHECKBOX_NAME: [o.pk for o in objects], **extra},
    )


@pytest.mark.parametrize(
    "model",
    ["usagerecord", "priceplan", "planrate", "tenantplan", "statement", "stripemeterreport",
     "usagelimit", "usagelimitevent", "spendanomaly", "sendingquota", "rampstep"],
)  # fmt: skip
def test_list_and_change_pages_render(admin_client, rows, model, tenant):
    listing = admin_client.get(f"/admin/billing/{model}/")
    assert listing.status_code == 200
    assert admin_client.get(f"/admin/billing/{model}/", {"q": tenant.name}).status_code == 200
    page = admin_client.get(f"/admin/billing/{model}/{rows[model].pk}/change/")
    assert page.status_code == 200


def test_usage_records_filter_by_category_day_and_drift(admin_client, rows):
    for query in ({"category": "sms-outbound"}, {"drift_flagged__exact": "1"},
                  {"day__gte": "2026-12-01"}):  # fmt: skip
        response = admin_client.get("/admin/billing/usagerecord/", query)
        assert response.status_code == 200, query
        assert "Outbound SMS" in response.content.decode()


def test_statements_show_the_margin_and_its_csv_has_it(admin_client, rows):
    statement = rows["statement"]
    listing = admin_client.get("/admin/billing/statement/").content.decode()
    assert "31.10 USD" in listing and "79.7%" in listing  # 31.10 of 39.00 charged
    page = admin_client.get(f"/admin/billing/statement/{statement.pk}/change/").content.decode()
    assert "Margin" in page and "31.10000" in page
    response = admin_client.get(f"/admin/billing/statement/{statement.pk}/csv/")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, line, total = list(csv.reader(io.StringIO(text)))
    assert header[-1] == "Margin"
    assert (line[-1], total[-1]) == ("2.10", "31.10")


def test_the_overview_shows_spend_and_margin_across_tenants(admin_client, tenant, other_tenant):
    plan = PricePlanFactory(monthly_fee=Decimal("0"), markup_percent=Decimal("50"))
    TenantPlanFactory(tenant=tenant, plan=plan, starts_on=DEC)
    UsageRecordFactory(tenant=tenant, day=DEC, price=Decimal("10.00000"), drift_flagged=True)
    UsageRecordFactory(tenant=other_tenant, day=DEC, price=Decimal("2.00000"))
    SpendAnomalyFactory(tenant=tenant)
    UsageLimitFactory(tenant=other_tenant, state_period="2026-12",
                      reached_at=dt.datetime(2026, 12, 9, tzinfo=dt.UTC))  # fmt: skip

    response = admin_client.get("/admin/billing/overview/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["spend"].tenant_id for row in rows] == [tenant.pk, other_tenant.pk]
    first = rows[0]
    assert (first["spend"].twilio_cost, first["spend"].charge) == (Decimal(10), Decimal(15))
    assert (first["spend"].margin, first["margin_percent"]) == (Decimal(5), "33.3%")
    page = response.content.decode()
    assert tenant.name in page and "Margin %" in page
    assert 'id="billing-overview-data"' in page and "billing/admin-overview.js" in page
    assert len(response.context["anomalies"]) == 1
    assert [limit.tenant_id for limit in response.context["limits"]] == [other_tenant.pk]
    assert len(response.context["drifts"]) == 1


def test_the_admin_index_links_the_overview(admin_client):
    assert "/admin/billing/overview/" in admin_client.get("/admin/").content.decode()


def test_people_who_are_not_staff_get_no_overview(tenant, owner):
    client = Client()
    client.force_login(owner)
    response = client.get("/admin/billing/overview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert Client().get("/admin/billing/overview/").status_code == 302


def test_lifting_a_limit_asks_for_a_reason_then_lifts_and_audits(admin_client, tenant, staff_user):
    limit = UsageLimitFactory(tenant=tenant, state_period="2026-12",
                              reached_at=dt.datetime(2026, 12, 9, tzinfo=dt.UTC))  # fmt: skip
    asked = run_action(admin_client, "usagelimit", "lift", [limit])
    assert asked.status_code == 200 and b"reason" in asked.content
    blank = run_action(admin_client, "usagelimit", "lift", [limit], apply="1", reason="  ")
    assert blank.status_code == 200
    limit.refresh_from_db()
    assert limit.lifted_period == "" and not events(tenant, "billing.limit_lifted").exists()

    done = run_action(
        admin_client, "usagelimit", "lift", [limit], apply="1", reason="Paid the invoice"
    )
    assert done.status_code == 302
    limit.refresh_from_db()
    assert (limit.lifted_period, limit.lift_reason, limit.lifted_by) == (
        "2026-12",
        "Paid the invoice",
        staff_user,
    )
    [event] = events(tenant, "billing.limit_lifted")
    assert event.changes["reason"] == "Paid the invoice"


def test_staff_set_a_limit_the_tenant_cannot_change(admin_client, tenant):
    response = admin_client.post(
        "/admin/billing/usagelimit/add/",
        {"tenant": tenant.pk, "level": "hard", "measure": "spend", "category": "totalprice",
         "period": "monthly", "value": "75", **NO_EVENTS},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    limit = UsageLimit.objects.for_tenant(tenant).get()
    assert (limit.value, limit.set_by_staff) == (Decimal("75.0000"), True)
    assert events(tenant, "billing.limit_set").count() == 1


def test_a_refused_limit_shows_the_reason_on_the_form(admin_client, tenant):
    response = admin_client.post(
        "/admin/billing/usagelimit/add/",
        {"tenant": tenant.pk, "level": "hard", "measure": "count", "category": "totalprice",
         "period": "monthly", "value": "75", **NO_EVENTS},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["category"]
    assert not UsageLimit.objects.for_tenant(tenant).exists()


def test_a_plan_change_goes_through_the_service_and_is_audited(admin_client, tenant):
    plan = PricePlanFactory(name="Scale")
    response = admin_client.post("/admin/billing/tenantplan/add/",
                                 {"tenant": tenant.pk, "plan": plan.pk})  # fmt: skip
    assert response.status_code == 302, response.content
    assignment = TenantPlan.objects.for_tenant(tenant).get()
    assert (assignment.plan, assignment.starts_on) == (plan, DEC)
    assert events(tenant, "billing.plan_changed").count() == 1


def test_a_rate_whose_tiers_dont_price_usage_is_refused(admin_client):
    rate = PlanRateFactory()
    form = {
        "plan": rate.plan_id, "category": rate.category, "included_units": "0",
        "markup_percent": "",
        "tiers-TOTAL_FORMS": "2", "tiers-INITIAL_FORMS": "0",
        "tiers-0-up_to": "1000", "tiers-0-unit_price": "0.01",
        "tiers-1-up_to": "2000", "tiers-1-unit_price": "0.009",
    }  # fmt: skip
    response = admin_client.post(f"/admin/billing/planrate/{rate.pk}/change/", form)
    assert response.status_code == 200
    assert "no upper bound" in response.content.decode()
    assert not PriceTier.objects.filter(rate=rate).exists()


def test_acknowledging_an_anomaly_is_audited(admin_client, tenant, staff_user):
    anomaly = SpendAnomalyFactory(tenant=tenant)
    assert run_action(admin_client, "spendanomaly", "acknowledge", [anomaly]).status_code == 302
    anomaly.refresh_from_db()
    assert anomaly.acknowledged_by == staff_user and anomaly.acknowledged_at is not None
    assert events(tenant, "billing.anomaly_acknowledged").count() == 1


def test_staff_set_a_quota_through_the_service(admin_client, tenant):
    quota = SendingQuotaFactory(tenant=tenant, daily_limit=100, ramp_level=1)
    response = admin_client.post(
        f"/admin/billing/sendingquota/{quota.pk}/change/",
        {"daily_limit": "400", "monthly_limit": "", "steps-TOTAL_FORMS": "0",
         "steps-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 302, response.content
    quota = SendingQuota.objects.for_tenant(tenant).get()
    assert (quota.daily_limit, quota.monthly_limit, quota.ramp_level) == (400, None, None)
    listing = admin_client.get("/admin/billing/sendingquota/", {"channel": "sms"})
    assert "SMS" in listing.content.decode()
    assert events(tenant, "billing.quota_set").count() == 1


def test_records_the_platform_writes_are_read_only(admin_client, rows):
    for model in ("usagerecord", "statement", "usagelimitevent", "spendanomaly", "rampstep"):
        assert admin_client.get(f"/admin/billing/{model}/add/").status_code == 403, model


def test_people_who_are_not_staff_see_no_billing_admin(db):
    client = Client()
    client.force_login(UserFactory())
    assert client.get("/admin/billing/statement/").status_code == 302
