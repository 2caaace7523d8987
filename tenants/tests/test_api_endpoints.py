"""What each /api/v1/ endpoint does for a caller allowed to use it."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from isvplatform.api.errors import exception_handler
from isvplatform.api.throttling import TenantRateThrottle
from isvplatform.urls import server_error
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant
from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory, make_api_key
from twofactor.tests.helpers import login_verified

Role = Membership.Role


@pytest.fixture
def owner_client(member_client):
    return member_client(role=Role.OWNER)


@pytest.fixture
def staff_client(staff_user):
    client = APIClient()
    login_verified(client, staff_user)
    return client


def audit_actions(tenant) -> list[str]:
    return list(
        AuditEvent.objects.for_tenant(tenant)
        .order_by("created_at")
        .values_list("action", flat=True)
    )


# --- tenant and profile -----------------------------------------------------------------


def test_current_tenant_shows_the_tenant_and_the_callers_role(member_client, tenant):
    response = member_client(role=Role.VIEWER).get("/api/v1/tenant")
    assert response.status_code == 200
    assert response.json() == {
        "id": tenant.pk,
        "name": tenant.name,
        "slug": tenant.slug,
        "status": "active",
        "suspension_reason": "",
        "is_demo": False,
        "created_at": response.json()["created_at"],
        "role": "viewer",
    }


def test_the_session_tenant_decides_which_tenant_a_person_acts_for(tenant, other_tenant):
    user = UserFactory()
    MembershipFactory(user=user, tenant=tenant, role=Role.OWNER)
    MembershipFactory(user=user, tenant=other_tenant, role=Role.VIEWER)
    client = APIClient()
    client.force_login(user)
    session = client.session
    session["tenant_id"] = other_tenant.pk
    session.save()
    body = client.get("/api/v1/tenant").json()
    assert (body["id"], body["role"]) == (other_tenant.pk, "viewer")


def test_profile_read_and_update_normalizes_phones_and_audits(owner_client, tenant):
    tenant.profile.verification_status = BusinessProfile.Verification.VERIFIED
    tenant.profile.save()
    assert owner_client.get("/api/v1/business-profile").json()["legal_name"] == tenant.name

    response = owner_client.put(
        "/api/v1/business-profile",
        {
            "legal_name": "Acme Widgets LLC",
            "business_type": "llc",
            "contact_phone": "(415) 555-0123",
            "contact_email": "ops@acme.example",
            "website": "https://acme.example",
            "monthly_volume": 5000,
            "address_country": "us",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["contact_phone"] == "+14155550123"
    assert body["address_country"] == "US"
    assert body["verification_status"] == "pending"

    profile = BusinessProfile.objects.get(tenant=tenant)
    assert (profile.legal_name, profile.monthly_volume) == ("Acme Widgets LLC", 5000)
    event = AuditEvent.objects.for_tenant(tenant).get(action="business_profile.updated")
    assert event.changes["legal_name"] == [tenant.name, "Acme Widgets LLC"]
    assert event.actor_user == owner_client.membership.user


def test_profile_patch_changes_only_the_given_fields(owner_client, tenant):
    response = owner_client.patch("/api/v1/business-profile", {"industry": "retail"}, format="json")
    assert response.status_code == 200, response.content
    profile = BusinessProfile.objects.get(tenant=tenant)
    assert (profile.industry, profile.legal_name) == ("retail", tenant.name)


# --- members ----------------------------------------------------------------------------


def test_members_invite_list_change_role_and_remove(owner_client, tenant):
    response = owner_client.post(
        "/api/v1/members", {"email": "New.Person@Example.com", "role": "member"}, format="json"
    )
    assert response.status_code == 201, response.content
    invited = response.json()
    assert (invited["email"], invited["role"]) == ("new.person@example.com", "member")

    listed = owner_client.get("/api/v1/members").json()["results"]
    assert {m["email"] for m in listed} == {
        "new.person@example.com",
        owner_client.membership.user.email,
    }

    response = owner_client.patch(
        f"/api/v1/members/{invited['id']}", {"role": "admin"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert Membership.objects.get(pk=invited["id"]).role == Role.ADMIN

    assert owner_client.delete(f"/api/v1/members/{invited['id']}").status_code == 204
    assert not Membership.objects.filter(pk=invited["id"]).exists()
    assert audit_actions(tenant) == ["member.invited", "member.role_changed", "member.removed"]


def test_inviting_an_existing_member_is_a_field_error(owner_client):
    email = owner_client.membership.user.email
    response = owner_client.post("/api/v1/members", {"email": email}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["email"]


# --- API keys ---------------------------------------------------------------------------


def test_api_key_create_shows_the_key_once_then_lists_without_it(owner_client, tenant):
    response = owner_client.post(
        "/api/v1/api-keys", {"name": "CRM sync", "scopes": ["read"]}, format="json"
    )
    assert response.status_code == 201, response.content
    assert "no-store" in response["Cache-Control"]
    created = response.json()
    assert created["key"].startswith(f"isv_{created['prefix']}_")
    assert (created["name"], created["scopes"], created["is_active"]) == (
        "CRM sync",
        ["read"],
        True,
    )
    assert created["created_by"] == owner_client.membership.user.email

    for body in (
        owner_client.get("/api/v1/api-keys").json()["results"][0],
        owner_client.get(f"/api/v1/api-keys/{created['id']}").json(),
    ):
        assert body["id"] == created["id"]
        assert "key" not in body and "hashed_key" not in body
        assert created["key"] not in str(body)

    api_key = APIKey.objects.get(pk=created["id"])
    assert api_key.hashed_key != created["key"]
    assert audit_actions(tenant) == ["api_key.created"]


def test_api_key_scopes_default_to_read_and_write(owner_client):
    response = owner_client.post("/api/v1/api-keys", {"name": "full"}, format="json")
    assert response.json()["scopes"] == ["read", "write"]


def test_revoking_a_key_keeps_it_listed_as_revoked(owner_client, tenant):
    api_key, _ = make_api_key(tenant)
    assert owner_client.delete(f"/api/v1/api-keys/{api_key.pk}").status_code == 204
    assert owner_client.delete(f"/api/v1/api-keys/{api_key.pk}").status_code == 204
    body = owner_client.get(f"/api/v1/api-keys/{api_key.pk}").json()
    assert body["is_active"] is False and body["revoked_at"]
    assert audit_actions(tenant) == ["api_key.created", "api_key.revoked"]


# --- pagination and throttling ----------------------------------------------------------


def test_lists_page_with_a_cursor(owner_client, tenant):
    made = [make_api_key(tenant)[0].pk for _ in range(5)]
    seen, url = [], "/api/v1/api-keys?page_size=2"
    while url:
        body = owner_client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [k["id"] for k in body["results"]]
        url = body["next"]
    assert seen == sorted(made, reverse=True)


def test_throttling_counts_all_callers_of_a_tenant_together(
    monkeypatch, member_client, tenant, other_tenant
):
    cache.clear()
    monkeypatch.setattr(TenantRateThrottle, "rate", "3/min", raising=False)
    first, second = member_client(), member_client()
    outsider = member_client(for_tenant=other_tenant)
    assert [c.get("/api/v1/tenant").status_code for c in (first, second, first)] == [200] * 3

    response = second.get("/api/v1/tenant")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response
    assert outsider.get("/api/v1/tenant").status_code == 200


# --- error format -----------------------------------------------------------------------


def test_errors_share_one_format(owner_client):
    not_found = owner_client.get("/api/v1/no-such-route")
    assert not_found.status_code == 404
    assert not_found.json() == {
        "error": {"code": "not_found", "message": "Not found.", "fields": {}}
    }

    not_allowed = owner_client.put("/api/v1/tenant", {}, format="json")
    assert not_allowed.status_code == 405
    assert not_allowed.json()["error"]["code"] == "method_not_allowed"

    malformed = owner_client.generic(
        "POST", "/api/v1/members", "{not json", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "parse_error"

    unsupported = owner_client.generic(
        "POST", "/api/v1/members", "x", content_type="application/x-unknown"
    )
    assert unsupported.status_code == 415
    assert set(unsupported.json()["error"]) == {"code", "message", "fields"}


# --- staff ------------------------------------------------------------------------------


def test_staff_create_a_tenant_with_its_owner_and_profile(staff_client, staff_user):
    response = staff_client.post(
        "/api/v1/staff/tenants",
        {
            "name": "Bright Dental",
            "owner_email": "owner@bright.example",
            "profile": {"website": "https://bright.example", "contact_phone": "4155550199"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    tenant = Tenant.objects.get(pk=body["id"])
    assert (body["name"], body["status"], body["verification_status"]) == (
        "Bright Dental",
        "active",
        "pending",
    )
    owner = Membership.objects.for_tenant(tenant).get()
    assert (owner.user.email, owner.role) == ("owner@bright.example", Role.OWNER)
    assert tenant.profile.contact_phone == "+14155550199"
    assert set(audit_actions(tenant)) == {
        "tenant.created",
        "member.invited",
        "business_profile.updated",
    }
    assert AuditEvent.objects.for_tenant(tenant).filter(actor_user=staff_user).count() == 3


def test_staff_create_rolls_back_when_the_profile_is_invalid(staff_client):
    response = staff_client.post(
        "/api/v1/staff/tenants",
        {"name": "Nope", "owner_email": "o@nope.example", "profile": {"contact_phone": "12"}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["profile.contact_phone"]
    assert not Tenant.objects.filter(name="Nope").exists()


def test_staff_list_filter_suspend_and_reactivate(staff_client, tenant, other_tenant):
    TenantFactory(status=Tenant.Status.CLOSED)
    listed = staff_client.get("/api/v1/staff/tenants").json()["results"]
    assert len(listed) == 3

    response = staff_client.post(
        f"/api/v1/staff/tenants/{tenant.pk}/suspend", {"reason": "Unpaid invoice"}, format="json"
    )
    assert (response.status_code, response.json()["status"]) == (200, "suspended")
    assert response.json()["suspension_reason"] == "Unpaid invoice"
    suspended = staff_client.get("/api/v1/staff/tenants?status=suspended").json()["results"]
    assert [t["id"] for t in suspended] == [tenant.pk]

    response = staff_client.post(f"/api/v1/staff/tenants/{tenant.pk}/reactivate")
    assert (response.status_code, response.json()["status"]) == (200, "active")
    assert response.json()["suspension_reason"] == ""
    assert audit_actions(tenant) == ["tenant.suspended", "tenant.active"]

    bad = staff_client.get("/api/v1/staff/tenants?status=sleeping")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["status"]


def test_a_closed_tenant_cannot_be_reactivated(staff_client):
    closed = TenantFactory(status=Tenant.Status.CLOSED)
    response = staff_client.post(f"/api/v1/staff/tenants/{closed.pk}/reactivate")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]
    closed.refresh_from_db()
    assert closed.status == Tenant.Status.CLOSED


def test_a_suspended_tenant_reads_but_cannot_write(member_client, tenant):
    client = member_client(role=Role.OWNER)
    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    tenant.status = Tenant.Status.SUSPENDED
    tenant.save()
    for caller in (client, key_client):
        assert caller.get("/api/v1/business-profile").status_code == 200
        response = caller.patch("/api/v1/business-profile", {"industry": "x"}, format="json")
        assert response.status_code == 403
    assert BusinessProfile.objects.get(tenant=tenant).industry == ""


def test_unexpected_errors_answer_500_in_the_same_format(rf):
    response = exception_handler(RuntimeError("boom"), {})
    assert response.status_code == 500
    assert response.data["error"]["code"] == "server_error"
    assert "boom" not in str(response.data)

    page = server_error(rf.get("/api/v1/members"))
    assert page.status_code == 500
    assert page["Content-Type"] == "application/json"
    assert set(json.loads(page.content)["error"]) == {"code", "message", "fields"}
