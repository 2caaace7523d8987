"""GET /api/v1/usage and the statements API: shapes and numbers from real rows, dates
refused by name, statements of another tenant answered like missing ones, the tenant's
CSV, and no margin anywhere a tenant reads."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from billing import periods
from billing.categories import TOTAL
from billing.models import Statement
from billing.tests.factories import (
    PricePlanFactory,
    StatementFactory,
    StatementLineFactory,
    TenantPlanFactory,
    UsageRecordFactory,
)
from tenants.models import Membership

TODAY = dt.date(2026, 12, 10)
DEC = dt.date(2026, 12, 1)
NOV = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def viewer(member_client):
    return member_client(role=Membership.Role.VIEWER)


@pytest.fixture
def usage(tenant, other_tenant):
    """Outbound SMS on two days and MMS on one, Twilio's total beside them, and another
    tenant's usage on the same day (none of it may count)."""
    plan = PricePlanFactory(name="Growth", monthly_fee=Decimal("29.00"), markup_percent=20)
    TenantPlanFactory(tenant=tenant, plan=plan, starts_on=DEC)
    UsageRecordFactory(tenant=tenant, day=dt.date(2026, 12, 2), count=10, usage=10,
                       price=Decimal("0.07900"))  # fmt: skip
    UsageRecordFactory(tenant=tenant, day=dt.date(2026, 12, 5), count=20, usage=20,
                       price=Decimal("0.15800"))  # fmt: skip
    UsageRecordFactory(tenant=tenant, day=dt.date(2026, 12, 5), category="mms-outbound",
                       count=2, usage=2, price=Decimal("0.04000"))  # fmt: skip
    UsageRecordFactory(tenant=tenant, day=dt.date(2026, 12, 5), category=TOTAL, count=32,
                       usage=32, price=Decimal("0.19800"))  # fmt: skip
    UsageRecordFactory(tenant=other_tenant, day=dt.date(2026, 12, 5), count=999, usage=999,
                       price=Decimal("99.00000"))  # fmt: skip
    return plan


def keys_of(value) -> set[str]:
    """Every key of every object in a JSON answer, however deep."""
    if isinstance(value, dict):
        return set(value) | {k for inner in value.values() for k in keys_of(inner)}
    if isinstance(value, list):
        return {k for inner in value for k in keys_of(inner)}
    return set()


def assert_no_margin(body) -> None:
    leaked = {key for key in keys_of(body) if "margin" in key.lower()}
    assert not leaked, leaked


# --- GET /api/v1/usage ----------------------------------------------------------------


def test_usage_defaults_to_this_period_so_far_with_days_totals_and_the_plan(viewer, usage):
    response = viewer.get("/api/v1/usage")
    assert response.status_code == 200, response.content
    body = response.json()

    assert [d["day"] for d in body["days"]] == [
        (DEC + dt.timedelta(days=n)).isoformat() for n in range(10)
    ]
    by_day = {d["day"]: d for d in body["days"]}
    assert by_day["2026-12-01"] == {"day": "2026-12-01", "charge": "0.00000", "categories": {}}
    # What the plan charges (cost plus 20%), never Twilio's price: 0.158 x 1.2 + 0.04 x 1.2.
    assert by_day["2026-12-05"]["charge"] == "0.23760"
    assert by_day["2026-12-05"]["categories"] == {
        "sms-outbound": {"count": 20, "usage": "20.0000", "charge": "0.18960"},
        "mms-outbound": {"count": 2, "usage": "2.0000", "charge": "0.04800"},
    }
    assert body["totals"] == {
        "sms-outbound": {"count": 30, "usage": "30.0000", "charge": "0.28440"},
        "mms-outbound": {"count": 2, "usage": "2.0000", "charge": "0.04800"},
    }
    assert "price" not in keys_of(body) and "twilio_cost" not in keys_of(body)
    assert body["currency"] == "USD"

    period = body["period"]
    assert (period["start"], period["end"], period["plan"]) == ("2026-12-01", "2026-12-31",
                                                                 "Growth")  # fmt: skip
    assert (period["days_elapsed"], period["days_in_period"]) == (10, 31)
    lines = {line["category"]: line for line in period["lines"]}
    # Cost plus 20%: 0.237 x 1.2 and 0.04 x 1.2.
    assert lines["sms-outbound"]["amount"] == "0.28440"
    assert lines["mms-outbound"]["amount"] == "0.04800"
    assert lines["sms-outbound"]["label"] == "Outbound SMS"
    assert period["monthly_fee"] == "29.00000"
    assert period["charge_so_far"] == "29.33000"
    # The pace of 10 days over 31: 0.3324 x 3.1 = 1.03044 of usage, and the fee.
    assert period["forecast_total"] == "30.03000"
    assert_no_margin(body)


def test_money_is_answered_as_decimal_strings(viewer, usage):
    body = viewer.get("/api/v1/usage").json()
    period = body["period"]
    for value in (period["charge_so_far"], period["forecast_total"], body["days"][4]["charge"]):
        assert isinstance(value, str) and Decimal(value) >= 0


def test_a_past_range_reads_its_days_and_the_period_it_ends_in(viewer, tenant, usage):
    UsageRecordFactory(tenant=tenant, day=dt.date(2026, 11, 30), count=5, usage=5,
                       price=Decimal("0.03950"))  # fmt: skip
    response = viewer.get("/api/v1/usage", {"start": "2026-11-29", "end": "2026-11-30"})
    body = response.json()
    assert [d["day"] for d in body["days"]] == ["2026-11-29", "2026-11-30"]
    # November has no plan of the tenant's (its plan starts in December): charged at cost.
    assert body["totals"] == {"sms-outbound": {"count": 5, "usage": "5.0000", "charge": "0.03950"}}
    assert (body["period"]["start"], body["period"]["days_elapsed"]) == ("2026-11-01", 30)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "yesterday"}, "start"),
        ({"end": "2026-13-01"}, "end"),
        ({"start": "2026-12-05", "end": "2026-12-04"}, "end"),
        ({"start": "2026-12-11"}, "start"),  # after today, the default end
        ({"start": "2025-01-01", "end": "2026-12-01"}, "end"),  # more than 400 days
        ({"start": "1900-01-01", "end": "1900-01-02"}, "start"),
        ({"end": "9999-12-31"}, "end"),
    ],
)
def test_bad_dates_are_a_400_naming_the_field(viewer, query, field):
    response = viewer.get("/api/v1/usage", query)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field])


def test_usage_needs_a_member(api_client):
    assert api_client.get("/api/v1/usage").status_code == 401


# --- statements -----------------------------------------------------------------------


@pytest.fixture
def statements(tenant, other_tenant):
    october = StatementFactory(tenant=tenant, period_start=dt.date(2026, 10, 1))
    november = StatementFactory(tenant=tenant, period_start=NOV)
    StatementLineFactory(statement=november, position=0, description="Outbound SMS")
    StatementLineFactory(
        statement=november,
        position=1,
        kind="fee",
        category="",
        description="Monthly fee",
        units=1,
        billable_units=1,
        twilio_cost=0,
        amount=Decimal("29.00000"),
        margin=Decimal("29"),
    )
    running = StatementFactory(tenant=tenant, period_start=DEC, status=Statement.Status.DRAFT,
                               finalized_at=None)  # fmt: skip
    theirs = StatementFactory(tenant=other_tenant, period_start=NOV)
    return {"october": october, "november": november, "running": running, "theirs": theirs}


def test_statements_are_listed_newest_first_without_margin(viewer, statements):
    response = viewer.get("/api/v1/usage/statements")
    assert response.status_code == 200
    body = response.json()
    assert [s["id"] for s in body["results"]] == [
        str(statements[name].pk) for name in ("running", "november", "october")
    ]
    first = body["results"][0]
    assert (first["status"], first["status_label"]) == ("draft", "Running (not final)")
    assert first["total"] == "39.00"
    assert_no_margin(body)


def test_statements_filter_by_status(viewer, statements):
    body = viewer.get("/api/v1/usage/statements", {"status": "draft"}).json()
    assert [s["id"] for s in body["results"]] == [str(statements["running"].pk)]


def test_a_statement_has_its_lines_and_no_margin(viewer, statements):
    november = statements["november"]
    response = viewer.get(f"/api/v1/usage/statements/{november.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == november.number
    assert [(line["description"], line["amount"]) for line in body["lines"]] == [
        ("Outbound SMS", "10.00000"),
        ("Monthly fee", "29.00000"),
    ]
    assert_no_margin(body)


def test_another_tenants_statement_is_a_404(viewer, statements):
    theirs = statements["theirs"]
    for url in (f"/api/v1/usage/statements/{theirs.pk}",
                f"/api/v1/usage/statements/{theirs.pk}/csv"):  # fmt: skip
        response = viewer.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["code"] == "not_found"
    listed = viewer.get("/api/v1/usage/statements").json()["results"]
    assert str(theirs.pk) not in {s["id"] for s in listed}


def test_the_statement_csv_has_its_lines_and_no_margin(viewer, statements):
    november = statements["november"]
    response = viewer.get(f"/api/v1/usage/statements/{november.pk}/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"statement-{november.number}.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert not any("margin" in cell.lower() for cell in rows[0])
    assert [row[2] for row in rows[1:]] == ["Outbound SMS", "Monthly fee", "Total"]
    assert rows[-1][rows[0].index("Amount")] == "39.00"
