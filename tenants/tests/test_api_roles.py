"""Roles gate writes: viewers change nothing; only owners and admins manage people and keys."""

import json

import pytest
from rest_framework.test import APIClient

from isvplatform.testing.tenancy import api_routes, snapshot, tenant_factory_for
from tenants.models import APIKey, AuditEvent, Membership
from tenants.tests.factories import MembershipFactory, make_api_key
from twofactor.tests.helpers import login_verified

Role = Membership.Role
# Every tenant route that writes, unless its view lets viewers call it (a POST that only
# computes, say, declares `write_roles` with the viewer role).
TENANT_WRITE_ROUTES = [
    r
    for r in api_routes()
    if r.write_methods
    and not r.is_staff
    and Role.VIEWER not in getattr(r.view_class, "write_roles", ())
]


def key_client(tenant, scopes) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant, scopes=scopes)[1]}")
    return client


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.mark.parametrize("route", TENANT_WRITE_ROUTES, ids=str)
def test_viewers_and_read_only_keys_cannot_write_anywhere(route, tenant, member_client):
    values, target = {}, None
    if route.params:
        target = tenant_factory_for(route.model)(tenant)
        values[route.lookup_param] = route.lookup_value(target)
    before = snapshot(target) if target is not None else None
    callers = {"viewer": member_client(role=Role.VIEWER), "read key": key_client(tenant, ["read"])}
    events_before = AuditEvent.objects.count()

    for who, client in callers.items():
        if "GET" in route.methods:
            assert client.get(route.url(**values)).status_code == 200, who
        for method in route.write_methods:
            response = client.generic(
                method, route.url(**values), json.dumps({}), content_type="application/json"
            )
            assert response.status_code == 403, (who, method, response.content)
            assert error_code(response) == "permission_denied"

    if target is not None:
        assert snapshot(target) == before
    assert AuditEvent.objects.count() == events_before


def test_members_edit_the_profile_but_cannot_manage_people_or_keys(member_client, tenant):
    client = member_client(role=Role.MEMBER)
    other = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    api_key, _ = make_api_key(tenant)

    response = client.patch("/api/v1/business-profile", {"industry": "retail"}, format="json")
    assert response.status_code == 200
    assert client.get("/api/v1/members").status_code == 200
    assert client.get("/api/v1/api-keys").status_code == 200
    refused = [
        client.post("/api/v1/members", {"email": "x@example.com"}, format="json"),
        client.patch(f"/api/v1/members/{other.pk}", {"role": "admin"}, format="json"),
        client.delete(f"/api/v1/members/{other.pk}"),
        client.post("/api/v1/api-keys", {"name": "k"}, format="json"),
        client.delete(f"/api/v1/api-keys/{api_key.pk}"),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    other.refresh_from_db()
    api_key.refresh_from_db()
    assert other.role == Role.MEMBER and api_key.is_active


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_owners_and_admins_manage_people_and_keys(member_client, tenant, role):
    client = member_client(role=role)
    MembershipFactory(tenant=tenant, role=Role.OWNER)
    invited = client.post("/api/v1/members", {"email": "x@example.com"}, format="json").json()
    assert client.patch(
        f"/api/v1/members/{invited['id']}", {"role": "admin"}, format="json"
    ).json()["role"] == ("admin")
    assert client.delete(f"/api/v1/members/{invited['id']}").status_code == 204
    created = client.post("/api/v1/api-keys", {"name": "k"}, format="json")
    assert created.status_code == 201
    assert client.delete(f"/api/v1/api-keys/{created.json()['id']}").status_code == 204


def test_admins_cannot_grant_change_or_remove_ownership(member_client, tenant):
    admin = member_client(role=Role.ADMIN)
    owner = MembershipFactory(tenant=tenant, role=Role.OWNER)
    member = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    refused = [
        admin.post("/api/v1/members", {"email": "x@example.com", "role": "owner"}, format="json"),
        admin.patch(f"/api/v1/members/{member.pk}", {"role": "owner"}, format="json"),
        admin.patch(f"/api/v1/members/{owner.pk}", {"role": "member"}, format="json"),
        admin.delete(f"/api/v1/members/{owner.pk}"),
    ]
    assert [r.status_code for r in refused] == [403] * 4
    assert all("owner" in r.json()["error"]["message"] for r in refused)
    assert list(
        Membership.objects.for_tenant(tenant).order_by("pk").values_list("role", flat=True)
    ) == [Role.ADMIN, Role.OWNER, Role.MEMBER]


def test_owners_can_share_and_hand_over_ownership(member_client, tenant):
    client = member_client(role=Role.OWNER)
    me = client.membership
    other = MembershipFactory(tenant=tenant, role=Role.ADMIN)
    response = client.patch(f"/api/v1/members/{other.pk}", {"role": "owner"}, format="json")
    assert response.json()["role"] == "owner"
    response = client.patch(f"/api/v1/members/{me.pk}", {"role": "admin"}, format="json")
    assert response.json()["role"] == "admin"


def test_the_last_owner_cannot_be_demoted_or_removed(member_client, tenant):
    client = member_client(role=Role.OWNER)
    me = client.membership

    demote = client.patch(f"/api/v1/members/{me.pk}", {"role": "admin"}, format="json")
    assert demote.status_code == 400
    assert list(demote.json()["error"]["fields"]) == ["role"]

    remove = client.delete(f"/api/v1/members/{me.pk}")
    assert remove.status_code == 400
    assert list(remove.json()["error"]["fields"]) == ["member"]

    me.refresh_from_db()
    assert me.role == Role.OWNER


def test_a_write_key_acts_as_an_admin_but_cannot_mint_keys(tenant):
    client = key_client(tenant, ["read", "write"])
    response = client.patch("/api/v1/business-profile", {"industry": "retail"}, format="json")
    assert response.status_code == 200
    assert client.get("/api/v1/tenant").json()["role"] == "admin"
    assert (
        client.post("/api/v1/members", {"email": "x@example.com"}, format="json").status_code == 201
    )

    response = client.post("/api/v1/api-keys", {"name": "child"}, format="json")
    assert response.status_code == 403
    assert APIKey.objects.for_tenant(tenant).count() == 1


def test_a_read_key_reads_as_a_viewer(tenant):
    assert key_client(tenant, ["read"]).get("/api/v1/tenant").json()["role"] == "viewer"


def test_people_without_a_membership_are_refused(staff_user):
    client = APIClient()
    login_verified(client, staff_user)
    response = client.get("/api/v1/tenant")
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "You are not a member of any tenant."
