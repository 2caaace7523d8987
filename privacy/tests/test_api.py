"""The privacy API: erasures are validated naming the field, answered per the schema,
manager-only, and scoped to the tenant."""

import pytest

from privacy.models import ErasureRequest
from privacy.tests.factories import ErasureRequestFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db
URL = "/api/v1/privacy/erasures"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "+1415"}, "phone"),
        ({"phone": "not a number"}, "phone"),
        ({"email": "nobody@"}, "email"),
        ({"phone": "+14155550123", "email": "a@example.com"}, "email"),
        ({}, "phone"),
    ],
)
def test_a_bad_subject_is_a_400_naming_the_field(owner_api, payload, field):
    response = owner_api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not ErasureRequest.objects.exists()


def test_a_request_is_accepted_and_followed_to_done(tenant, owner_api, on_commit):
    response = on_commit(owner_api.post, URL, {"email": "Ana@Example.org"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["subject_kind"] == "email" and "ana" not in body["subject_hint"][1:]
    detail = owner_api.get(f"{URL}/{body['id']}").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert [e["status"] for e in detail["timeline"]] == ["pending", "running", "done"]
    listed = owner_api.get(URL).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_other_tenants_and_viewers_see_nothing(tenant, other_tenant, member_client):
    theirs = ErasureRequestFactory(tenant=other_tenant)
    owner = member_client(role=Membership.Role.OWNER)
    assert owner.get(f"{URL}/{theirs.pk}").status_code == 404
    assert owner.get(URL).json()["results"] == []
    viewer = member_client(role=Membership.Role.VIEWER)
    assert viewer.get(URL).status_code == 200
    assert viewer.post(URL, {"phone": "+14155550123"}, format="json").status_code == 403


def test_the_portal_asks_for_confirmation_then_forgets(tenant, client, on_commit):
    from tenants.tests.factories import MembershipFactory

    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user)
    bad = client.post("/settings/privacy/erasures/", {"kind": "phone", "value": "12"})
    assert bad.status_code == 400 and "E.164" in bad.content.decode()
    first = client.post("/settings/privacy/erasures/", {"kind": "phone", "value": "4155550177"})
    assert first.status_code == 200 and "+14155550177" in first.content.decode()
    assert not ErasureRequest.objects.exists()
    done = on_commit(
        client.post,
        "/settings/privacy/erasures/",
        {"kind": "phone", "value": "+14155550177", "confirm": "True"},
    )
    assert done.status_code == 302
    assert ErasureRequest.objects.for_tenant(tenant).get().status == "done"
    page = client.get("/settings/privacy/").content.decode()
    assert "+1•••77" in page and "+14155550177" not in page
