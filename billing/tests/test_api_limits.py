"""/api/v1/usage/limits: the tenant's spending limits and sending quotas; owners and admins
set limits through `limit_save`, viewers only read, a staff-set limit can't be changed by
the tenant, and another tenant's limit is a 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator

from billing import periods
from billing.models import UsageLimit
from billing.tests.factories import UsageLimitFactory
from tenants.models import AuditEvent, Membership

Role = Membership.Role
TODAY = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)


@pytest.fixture
def owner_client(member_client):
    return member_client(role=Role.OWNER)


@pytest.fixture
def viewer(member_client):
    return member_client(role=Role.VIEWER)


def audit_actions(tenant) -> list[str]:
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .order_by("created_at")
        .values_list("action", flat=True)
    )


@override_settings(BILLING_RAMP_UP_LEVELS=[100, 250], BILLING_RAMP_UP_CHANNELS=["sms"])
def test_limits_and_quotas_with_this_periods_state(viewer, tenant):
    reached = UsageLimitFactory(
        tenant=tenant,
        value=Decimal("50"),
        state_period="2026-12",
        warned_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        reached_at=dt.datetime(2026, 12, 4, tzinfo=dt.UTC),
        lifted_period="2026-12",
    )
    stale = UsageLimitFactory(
        tenant=tenant,
        level=UsageLimit.Level.SOFT,
        period=UsageLimit.Period.DAILY,
        value=Decimal("5"),
        state_period="2026-12-09",
        reached_at=dt.datetime(2026, 12, 9, tzinfo=dt.UTC),
    )
    response = viewer.get("/api/v1/usage/limits")
    assert response.status_code == 200, response.content
    body = response.json()
    limits = {item["id"]: item for item in body["limits"]}
    assert set(limits) == {reached.pk, stale.pk}

    hard = limits[reached.pk]
    assert (hard["level"], hard["level_label"]) == ("hard", "Hard limit (sending stops)")
    assert (hard["value"], hard["measure_label"], hard["period_label"]) == (
        "50.0000",
        "Spend",
        "Per month",
    )
    assert hard["sync_status_label"] == "Being set at Twilio"
    assert (hard["current_period"], hard["resets_on"]) == ("2026-12", "2027-01-01")
    assert hard["reached_at"].startswith("2026-12-04") and hard["lifted"] is True
    # Yesterday's state of a daily limit is not today's.
    soft = limits[stale.pk]
    assert (soft["current_period"], soft["reached_at"], soft["lifted"]) == (
        "2026-12-10",
        None,
        False,
    )

    [sms] = [quota for quota in body["quotas"] if quota["channel"] == "sms"]
    assert (sms["daily_used"], sms["daily_limit"], sms["ramp_level"]) == (0, 100, 1)


def test_another_tenants_limits_are_neither_listed_nor_reachable(owner_client, other_tenant):
    theirs = UsageLimitFactory(tenant=other_tenant)
    assert owner_client.get("/api/v1/usage/limits").json()["limits"] == []
    url = f"/api/v1/usage/limits/{theirs.pk}"
    assert owner_client.get(url).status_code == 404
    assert owner_client.patch(url, {"value": "1"}, format="json").status_code == 404
    assert owner_client.delete(url).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.value, theirs.sync_status) == (Decimal("50.0000"), "pending")


def test_an_owner_sets_changes_and_removes_a_limit(owner_client, tenant):
    created = owner_client.post(
        "/api/v1/usage/limits", {"level": "soft", "value": "40"}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["measure"], body["category"], body["period"], body["value"]) == (
        "spend",
        "totalprice",
        "monthly",
        "40.0000",
    )
    assert body["set_by_staff"] is False
    url = f"/api/v1/usage/limits/{body['id']}"

    changed = owner_client.patch(url, {"value": "45.5"}, format="json")
    assert changed.status_code == 200, changed.content
    assert (changed.json()["value"], changed.json()["level"]) == ("45.5000", "soft")

    assert owner_client.delete(url).status_code == 204
    limit = UsageLimit.objects.for_tenant(tenant).get()
    assert limit.sync_status == UsageLimit.SyncStatus.DELETING
    assert audit_actions(tenant) == ["billing.limit_set", "billing.limit_set",
                                     "billing.limit_deleted"]  # fmt: skip


def test_the_service_refusals_name_the_field(owner_client, tenant):
    count_of_everything = owner_client.post(
        "/api/v1/usage/limits",
        {"level": "hard", "measure": "count", "value": "1000"},
        format="json",
    )
    assert count_of_everything.status_code == 400
    assert list(count_of_everything.json()["error"]["fields"]) == ["category"]
    UsageLimitFactory(tenant=tenant, level="hard", value=Decimal("50"))
    duplicate = owner_client.post(
        "/api/v1/usage/limits", {"level": "hard", "value": "60"}, format="json"
    )
    assert duplicate.status_code == 400, duplicate.content
    assert duplicate.json()["error"]["fields"]
    assert UsageLimit.objects.for_tenant(tenant).count() == 1


def test_viewers_read_limits_but_cannot_set_them(viewer, tenant):
    limit = UsageLimitFactory(tenant=tenant)
    assert viewer.get("/api/v1/usage/limits").status_code == 200
    assert viewer.get(f"/api/v1/usage/limits/{limit.pk}").status_code == 200
    refused = [
        viewer.post("/api/v1/usage/limits", {"level": "soft", "value": "5"}, format="json"),
        viewer.patch(f"/api/v1/usage/limits/{limit.pk}", {"value": "5"}, format="json"),
        viewer.delete(f"/api/v1/usage/limits/{limit.pk}"),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert UsageLimit.objects.for_tenant(tenant).get().value == Decimal("50.0000")
    assert audit_actions(tenant) == []


def test_a_limit_staff_set_cannot_be_changed_or_removed_by_the_tenant(owner_client, tenant):
    limit = UsageLimitFactory(tenant=tenant, set_by_staff=True)
    url = f"/api/v1/usage/limits/{limit.pk}"
    changed = owner_client.patch(url, {"value": "500"}, format="json")
    removed = owner_client.delete(url)
    for response in (changed, removed):
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "permission_denied"
        assert "set by staff" in error["message"]
    limit.refresh_from_db()
    assert (limit.value, limit.sync_status) == (Decimal("50.0000"), "pending")


def test_limit_request_fields_name_no_twilio_sid(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    body = schema["components"]["schemas"]["UsageLimitInputRequest"]["properties"]
    assert set(body) == {"level", "measure", "category", "period", "value"}
    assert not [name for name in body if name.endswith("_sid")]
