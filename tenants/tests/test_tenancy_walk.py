"""Tenant isolation of every API route, found by walking the URL conf.

A route added anywhere under /api/v1/ is covered without touching this file: a route
with an id must be tenant-scoped (TenantScopedMixin, with a registered factory for its
model) or staff-only (StaffAPIView).
"""

import json

import pytest
from rest_framework.test import APIClient

from isvplatform.testing.tenancy import api_routes, snapshot, tenant_factory_for
from tenants.models import Membership
from tenants.tests.factories import make_api_key

ROUTES = api_routes()
ID_ROUTES = [r for r in ROUTES if r.params and not r.is_staff]
LIST_ROUTES = [r for r in ROUTES if r.is_list and not r.is_staff]
STAFF_ROUTES = [r for r in ROUTES if r.is_staff]


def send(client: APIClient, method: str, url: str):
    return client.generic(method, url, data=json.dumps({}), content_type="application/json")


def owner_clients(member_client, tenant) -> dict[str, APIClient]:
    """The most powerful callers of `tenant`: a signed-in owner and a read-write API key."""
    key_client = APIClient()
    key_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return {"owner session": member_client(role=Membership.Role.OWNER), "api key": key_client}


def list_ids(client: APIClient, url: str) -> list:
    ids, page_url, pages = [], url, 0
    while page_url and pages < 50:
        response = client.get(page_url)
        assert response.status_code == 200, (url, response.status_code, response.content)
        body = response.json()
        for item in body["results"]:
            assert "id" in item, f"{url}: list items need an 'id' for the tenancy walk"
            ids.append(item["id"])
        page_url, pages = body.get("next"), pages + 1
    return ids


def test_the_walk_finds_the_api():
    found = {r.route for r in ROUTES}
    assert "/api/v1/members/<int:id>" in found
    assert "/api/v1/api-keys" in found
    assert "/api/v1/audit-events" in found
    assert "/api/v1/staff/tenants/<int:id>/suspend" in found
    assert ID_ROUTES and LIST_ROUTES and STAFF_ROUTES


@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_another_tenants_object_answers_like_a_missing_one(
    route, tenant, other_tenant, member_client
):
    assert route.is_tenant_scoped, (
        f"{route} takes an id, but {route.view_class.__name__} is neither tenant-scoped "
        "(TenantScopedMixin) nor staff-only (StaffAPIView)"
    )
    assert route.params == [route.lookup_param], f"{route}: the walk knows one id per route"
    theirs = tenant_factory_for(route.model)(other_tenant)
    before = snapshot(theirs)
    their_url = route.url(**{route.lookup_param: route.lookup_value(theirs)})
    missing_url = route.url(**{route.lookup_param: route.missing_value()})

    for who, client in owner_clients(member_client, tenant).items():
        for method in route.methods:
            theirs_response = send(client, method, their_url)
            missing_response = send(client, method, missing_url)
            assert missing_response.status_code == 404, (who, method, missing_response.content)
            assert theirs_response.status_code == 404, (who, method, theirs_response.content)
            assert theirs_response.json() == missing_response.json(), (who, method)

    assert snapshot(theirs) == before


@pytest.mark.parametrize("route", LIST_ROUTES, ids=str)
def test_lists_hold_only_the_tenants_own_objects(route, tenant, other_tenant, member_client):
    assert route.is_tenant_scoped, (
        f"{route} lists objects, but {route.view_class.__name__} is neither tenant-scoped "
        "(TenantScopedMixin) nor staff-only (StaffAPIView)"
    )
    make = tenant_factory_for(route.model)
    mine, theirs = make(tenant), make(other_tenant)

    for who, client in owner_clients(member_client, tenant).items():
        ids = [str(i) for i in list_ids(client, route.url())]
        assert str(route.lookup_value(mine)) in ids, who
        assert str(route.lookup_value(theirs)) not in ids, who


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_staff_routes_refuse_tenant_people_and_keys(route, tenant, other_tenant, member_client):
    values = {}
    obj = None
    if route.params:
        assert route.model is not None, f"{route}: a staff route with an id needs a queryset"
        obj = tenant_factory_for(route.model)(other_tenant)
        values[route.lookup_param] = route.lookup_value(obj)
    before = snapshot(obj) if obj is not None else None

    for who, client in owner_clients(member_client, tenant).items():
        for method in route.methods:
            response = send(client, method, route.url(**values))
            assert response.status_code == 403, (who, method, response.content)
            assert response.json()["error"]["code"] == "permission_denied"

    if obj is not None:
        assert snapshot(obj) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_callers_get_401(route, tenant):
    values = {name: route.missing_value() for name in route.params}
    for method in route.methods:
        response = send(APIClient(), method, route.url(**values))
        assert response.status_code == 401, (method, response.content)
        assert response.json()["error"]["code"] == "not_authenticated"


def test_a_model_without_a_factory_fails_the_walk():
    from isvplatform.testing.secretsapp.models import SecretNote

    with pytest.raises(LookupError, match="register_tenant_factory"):
        tenant_factory_for(SecretNote)
