"""The portal's usage pages: this period against the plan, charts' data, statements and
their printable view and CSV, limits and quotas; never Twilio's cost or the margin, and
never another tenant's rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from billing import periods
from billing.models import UsageLimit
from billing.services.limit_events import limit_reached
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    SendingQuotaFactory,
    StatementFactory,
    StatementLineFactory,
    TenantPlanFactory,
    UsageLimitFactory,
    UsageRecordFactory,
)
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
USAGE = "/usage/"
LIMITS = "/usage/limits/"


def portal_client(tenant, role=Membership.Role.OWNER) -> Client:
    membership = MembershipFactory(tenant=tenant, role=role)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


def plan_of(tenant, *, included=5, unit_price="0.01000", fee="29.00"):
    """A plan charging Outbound SMS past `included` at `unit_price`, and a fee."""
    plan = PricePlanFactory(monthly_fee=Decimal(fee), markup_percent=Decimal(20))
    rate = PlanRateFactory(plan=plan, category="sms-outbound", included_units=included)
    PriceTierFactory(rate=rate, up_to=None, unit_price=Decimal(unit_price))
    TenantPlanFactory(tenant=tenant, plan=plan)
    return plan


def sms_today(tenant, count=20, price="0.15800"):
    return UsageRecordFactory(
        tenant=tenant, category="sms-outbound", count=count, usage=Decimal(count),
        price=Decimal(price),
    )  # fmt: skip


def test_the_usage_page_shows_this_period_against_the_plan_and_the_charts_data(tenant):
    plan_of(tenant)
    sms_today(tenant)
    response = portal_client(tenant, Membership.Role.VIEWER).get(USAGE)
    assert response.status_code == 200
    html = response.content.decode()
    overview = response.context["overview"]
    # 20 sent, 5 included: 15 at 0.01 = 0.15, plus the 29.00 fee.
    assert overview.charge_so_far == Decimal("29.15")
    assert 'data-figure="charge">29.15 USD<' in html
    assert 'data-figure="fee">29.00 USD<' in html
    assert ">forecast<" in html and 'data-figure="forecast"' in html
    assert "Outbound SMS" in html and "15 of 5 left" not in html
    charts = response.context["chart_json"]
    (series,) = charts["series"]
    assert series["label"] == "Outbound SMS"
    today_index = charts["labels"].index(periods.today().isoformat())
    assert series["volume"][today_index] == 20
    assert series["charge"][today_index] == 0.15
    assert sum(series["charge"]) == 0.15
    assert charts["breakdown"] == {"labels": ["Outbound SMS"], "charge": [0.15]}
    assert 'id="billing-usage-data"' in html and html.count("data-chart=") == 3
    # Twilio's cost (0.158) and the margin never reach a tenant's page.
    assert "0.158" not in html and "margin" not in html.lower()


def test_daily_charges_put_included_units_and_tiers_on_the_days_they_were_used(tenant):
    plan_of(tenant, included=5)
    today = periods.today()
    start = periods.period_start(today)
    UsageRecordFactory(tenant=tenant, day=start, count=3, usage=Decimal(3), price=Decimal("0.02"))
    if today > start:
        UsageRecordFactory(tenant=tenant, day=today, count=10, usage=Decimal(10), price=1)
    response = portal_client(tenant).get(USAGE)
    (series,) = response.context["chart_json"]["series"]
    assert series["charge"][0] == 0.0  # 3 of the 5 included
    if today > start:
        assert series["charge"][-1] == 0.08  # 2 more included, 8 at 0.01
    assert sum(series["charge"]) == float(response.context["overview"].usage_charge)


def test_the_usage_page_without_usage_says_when_it_appears(tenant):
    response = portal_client(tenant).get(USAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Usage appears here within an hour of your first sends" in html
    assert 'id="billing-usage-data"' not in html


@pytest.mark.parametrize(
    "params, error",
    [
        ({"start": "2026-11-12", "end": "2026-11-11"}, "From is after To"),
        ({"start": "2026-13-01"}, "Enter a valid date"),
        ({"end": "yesterday"}, "Enter a valid date"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "at most 366 days"),
        ({"start": "1999-12-31"}, "Enter a date from 2000-01-01 on"),
    ],
)
def test_a_bad_range_is_a_form_error_not_a_500(tenant, params, error):
    sms_today(tenant)
    response = portal_client(tenant).get(USAGE, params)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert response.context["charts"] is None


def test_a_chosen_range_shows_only_its_days(tenant):
    plan_of(tenant)
    sms_today(tenant)
    day = periods.today() - dt.timedelta(days=40)
    UsageRecordFactory(tenant=tenant, day=day, count=7, usage=Decimal(7))
    response = portal_client(tenant).get(USAGE, {"start": day.isoformat(), "end": day.isoformat()})
    assert response.status_code == 200
    charts = response.context["chart_json"]
    assert charts["labels"] == [day.isoformat()]
    assert charts["series"][0]["volume"] == [7]


def test_the_usage_page_shows_only_the_current_tenants_usage(tenant, other_tenant):
    sms_today(other_tenant, count=999)
    response = portal_client(tenant).get(USAGE)
    assert response.context["chart_json"] is None
    assert "999" not in response.content.decode()


def test_limits_and_quotas_show_their_progress_and_the_ramp_level(tenant, settings):
    settings.BILLING_RAMP_UP_LEVELS = [100, 250, 500, 750, 1000, 1500, 2000, 5000]
    sms_today(tenant, count=1000, price="8.50")
    UsageLimitFactory(tenant=tenant, level="soft", value=Decimal("10"))
    SendingQuotaFactory(tenant=tenant, channel="sms", daily_limit=250, ramp_level=2)
    response = portal_client(tenant).get(USAGE)
    html = response.content.decode()
    assert "10.00 USD spend per month" in html and "85%" in html
    assert "85% of your soft limit of 10.00 USD spend per month is used." in html
    assert "Level 2 of 8: 250 SMS a day" in html


def test_a_reached_hard_limit_shows_that_sending_is_paused(tenant):
    limit = UsageLimitFactory(tenant=tenant, level="hard", value=Decimal("50"))
    limit_reached(limit=limit, percent=100, source="check", current_value=Decimal("50.1"))
    html = portal_client(tenant).get(USAGE).content.decode()
    assert "Sending is paused: your hard limit of 50.00 USD spend per month is reached." in html


# --- statements --------------------------------------------------------------------------


@pytest.fixture
def statement(tenant):
    statement = StatementFactory(tenant=tenant, number="ST-2026-11-0001")
    StatementLineFactory(statement=statement, description="Outbound SMS", position=1)
    return statement


def test_the_statements_list_pages_and_links_each(tenant, statement):
    response = portal_client(tenant, Membership.Role.VIEWER).get("/usage/statements/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "ST-2026-11-0001" in html and "39.00 USD" in html
    assert f"/usage/statements/{statement.pk}/print/" in html


def test_a_statement_shows_its_lines_and_totals_but_never_the_margin(tenant, statement):
    client = portal_client(tenant, Membership.Role.VIEWER)
    for url in (f"/usage/statements/{statement.pk}/", f"/usage/statements/{statement.pk}/print/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Outbound SMS" in html and 'data-figure="total">39.00 USD<' in html
        assert 'data-figure="monthly-fee">29.00 USD<' in html
        assert "margin" not in html.lower() and "31.10" not in html and "2.10" not in html
        assert "7.90" not in html  # Twilio's cost
    printable = client.get(f"/usage/statements/{statement.pk}/print/").content.decode()
    assert 'id="print-button"' in printable and "billing/print.css" in printable
    assert 'class="sidebar"' not in printable


def test_the_statement_csv_has_no_margin(tenant, statement):
    response = portal_client(tenant).get(f"/usage/statements/{statement.pk}/csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="statement-ST-2026-11-0001.csv"'
    body = b"".join(response.streaming_content).decode()
    assert "Outbound SMS" in body
    assert "margin" not in body.lower() and "31.1" not in body


@pytest.mark.parametrize("suffix", ["", "print/", "csv"])
def test_another_tenants_statement_is_404(tenant, other_tenant, suffix):
    theirs = StatementFactory(tenant=other_tenant)
    response = portal_client(tenant).get(f"/usage/statements/{theirs.pk}/{suffix}")
    assert response.status_code == 404


# --- limits ------------------------------------------------------------------------------


def limit_form(**changes) -> dict:
    return {
        "level": "hard", "measure": "spend", "category": "totalprice", "period": "monthly",
        "value": "75.00",
    } | changes  # fmt: skip


def test_an_owner_adds_edits_and_removes_a_limit(tenant):
    client = portal_client(tenant)
    response = client.post(LIMITS, limit_form())
    assert response.status_code == 302
    limit = UsageLimit.objects.for_tenant(tenant).get()
    assert (limit.level, limit.measure, limit.period, limit.value) == (
        "hard", "spend", "monthly", Decimal("75.0000"),
    )  # fmt: skip
    page = client.get(LIMITS).content.decode()
    assert "75.00 USD spend per month" in page and limit.get_sync_status_display() in page

    edit = client.get(f"/usage/limits/{limit.pk}/")
    assert edit.status_code == 200 and 'value="75"' in edit.content.decode()
    assert client.post(f"/usage/limits/{limit.pk}/", limit_form(value="90")).status_code == 302
    limit.refresh_from_db()
    assert limit.value == Decimal("90")

    assert client.post(f"/usage/limits/{limit.pk}/delete/").status_code == 302
    assert not UsageLimit.objects.for_tenant(tenant).exclude(sync_status="deleting").exists()


@pytest.mark.parametrize(
    "changes, field_error",
    [
        ({"value": "0"}, "greater than or equal to 0.01"),
        ({"value": "lots"}, "Enter a number"),
        ({"measure": "count"}, "A count limit counts one kind of usage"),
        ({"category": "sms-outbound"}, "A spend limit covers all usage"),
        ({"level": "huge"}, "Select a valid choice"),
    ],
)
def test_a_bad_limit_is_a_form_error(tenant, changes, field_error):
    response = portal_client(tenant).post(LIMITS, limit_form(**changes))
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert not UsageLimit.objects.for_tenant(tenant).exists()


def test_a_second_limit_of_the_same_kind_is_refused(tenant):
    UsageLimitFactory(tenant=tenant, level="hard", value=Decimal("50"))
    response = portal_client(tenant).post(LIMITS, limit_form())
    assert response.status_code == 400
    assert "There is already such a limit" in response.content.decode()


def test_a_soft_limit_above_the_hard_one_names_the_field(tenant):
    UsageLimitFactory(tenant=tenant, level="hard", value=Decimal("50"))
    response = portal_client(tenant).post(LIMITS, limit_form(level="soft", value="80"))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert UsageLimit.objects.for_tenant(tenant).count() == 1


def test_a_viewer_sees_limits_read_only(tenant):
    limit = UsageLimitFactory(tenant=tenant, value=Decimal("50"))
    client = portal_client(tenant, Membership.Role.VIEWER)
    page = client.get(LIMITS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "50.00 USD spend per month" in html
    assert 'id="limit-form"' not in html and f"/usage/limits/{limit.pk}/delete/" not in html
    assert client.post(LIMITS, limit_form(level="soft", value="10")).status_code == 403
    assert client.post(f"/usage/limits/{limit.pk}/delete/").status_code == 403
    assert UsageLimit.objects.for_tenant(tenant).count() == 1


def test_a_staff_set_limit_is_read_only_to_the_tenant(tenant):
    limit = UsageLimitFactory(tenant=tenant, value=Decimal("50"), set_by_staff=True)
    client = portal_client(tenant)
    html = client.get(LIMITS).content.decode()
    assert "Set by isvplatform staff" in html
    assert f"/usage/limits/{limit.pk}/delete/" not in html
    assert f'href="/usage/limits/{limit.pk}/"' not in html
    assert client.post(f"/usage/limits/{limit.pk}/", limit_form(value="99")).status_code == 403
    assert client.post(f"/usage/limits/{limit.pk}/delete/").status_code == 403
    limit.refresh_from_db()
    assert (limit.value, limit.sync_status) == (Decimal("50"), "pending")


def test_another_tenants_limit_is_404(tenant, other_tenant):
    theirs = UsageLimitFactory(tenant=other_tenant)
    client = portal_client(tenant)
    assert client.get(f"/usage/limits/{theirs.pk}/").status_code == 404
    assert client.post(f"/usage/limits/{theirs.pk}/", limit_form()).status_code == 404
    assert client.post(f"/usage/limits/{theirs.pk}/delete/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.sync_status == "pending"


def test_the_nav_links_to_usage(tenant):
    html = portal_client(tenant).get("/").content.decode()
    assert 'href="/usage/"' in html and "<span>Usage</span>" in html


def test_usage_pages_need_sign_in(client):
    for url in (USAGE, "/usage/statements/", LIMITS):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
