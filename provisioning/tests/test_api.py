"""REST API of provisioning: customers, subaccount, numbers, staff actions and the pool."""

import pytest
from rest_framework.test import APIClient

from provisioning.models import PhoneNumber, PooledNumber, TwilioSubaccount
from provisioning.numbers import number_buy, pool_buy
from provisioning.platform_keys import platform_key_create, platform_key_revoke
from sandbox.core.models import Account as SandboxAccount
from tenants.models import Membership, Tenant
from tenants.services import Actor
from tenants.tests.factories import make_api_key

from .factories import PhoneNumberFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role

CUSTOMER = {
    "email": "Owner@Bakery.example",
    "first_name": "Bea",
    "last_name": "Baker",
    "business_name": "Bea's Bakery LLC",
    "profile": {
        "website": "https://bakery.example",
        "business_type": "llc",
        "contact_phone": "(415) 555-0142",
        "address_city": "Oakland",
    },
    "area_code": "510",
}


def key_client(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


# --- customers ------------------------------------------------------------------------------


def test_staff_sign_a_customer_up_and_its_key_drives_the_rest(
    staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/api/v1/customers", CUSTOMER, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    tenant = Tenant.objects.get(pk=body["id"])
    assert body["owner_email"] == "owner@bakery.example"
    assert body["api_key"].startswith("isv_")
    assert tenant.profile.contact_phone == "+14155550142"
    assert tenant.profile.legal_name == "Bea's Bakery LLC"
    assert len(mailoutbox) == 1 and "password" in mailoutbox[0].body.lower()

    client = key_client(body["api_key"])
    sub = client.get("/api/v1/subaccount").json()
    assert sub["subaccount"]["status"] == "active"
    assert sub["sending"]["mode"] == "subaccount"
    numbers = client.get("/api/v1/numbers").json()["results"]
    assert len(numbers) == 1 and numbers[0]["phone_number"].startswith("+1510")
    assert numbers[0]["is_primary"] and numbers[0]["sms_url"].endswith("/webhooks/twilio/inbound")
    steps = {s["key"]: s["state"] for s in client.get("/api/v1/onboarding").json()["steps"]}
    assert steps["subaccount"] == "done" and steps["number"] == "done"


def test_a_platform_key_creates_and_lists_customers(api_client, staff_user):
    key, raw_key = platform_key_create(name="Integrator", actor=Actor(user=staff_user))
    client = key_client(raw_key)

    created = client.post("/api/v1/customers", {**CUSTOMER, "create_api_key": False}, format="json")
    listed = client.get("/api/v1/customers")

    assert created.status_code == 201, created.content
    assert created.json()["api_key"] is None
    assert created.json()["id"] in [c["id"] for c in listed.json()["results"]]

    platform_key_revoke(key=key, actor=Actor(user=staff_user))
    assert client.get("/api/v1/customers").status_code == 401


def test_tenants_and_strangers_cant_create_customers(tenant, member_client, api_client):
    for client in (member_client(role=Role.OWNER), key_client(make_api_key(tenant)[1])):
        response = client.post("/api/v1/customers", CUSTOMER, format="json")
        assert response.status_code == 403
    assert api_client.post("/api/v1/customers", CUSTOMER, format="json").status_code == 401
    assert not Tenant.objects.filter(name=CUSTOMER["business_name"]).exists()


def test_customer_input_errors_are_per_field(staff_client):
    bad_profile = {**CUSTOMER, "profile": {"contact_phone": "12"}}
    response = staff_client.post("/api/v1/customers", bad_profile, format="json")
    assert response.status_code == 400
    assert "profile.contact_phone" in response.json()["error"]["fields"]

    staff_client.post("/api/v1/customers", CUSTOMER, format="json")
    again = staff_client.post("/api/v1/customers", CUSTOMER, format="json")
    assert again.status_code == 400 and "email" in again.json()["error"]["fields"]

    missing = staff_client.post("/api/v1/customers", {"email": "x@example.com"}, format="json")
    assert missing.status_code == 400 and "business_name" in missing.json()["error"]["fields"]
    assert Tenant.objects.filter(name=CUSTOMER["business_name"]).count() == 1


# --- subaccount -----------------------------------------------------------------------------


def test_no_response_carries_the_auth_token(tenant, active_sub, member_client, staff_client):
    token = active_sub.auth_token.reveal()
    active_sub.previous_auth_token = "prev" + token
    active_sub.save()
    client = member_client(role=Role.OWNER)
    responses = [
        client.get("/api/v1/subaccount"),
        client.post("/api/v1/subaccount/provision"),
        staff_client.get("/api/v1/staff/subaccounts"),
        staff_client.get(f"/api/v1/staff/subaccounts/{active_sub.pk}"),
        staff_client.post(f"/api/v1/staff/subaccounts/{active_sub.pk}/reconcile"),
        staff_client.get("/api/v1/customers"),
    ]
    for response in responses:
        assert response.status_code in (200, 202), response.content
        assert token not in response.content.decode()
        assert "auth_token" not in response.content.decode()


def test_owners_provision_and_retry_members_cant(tenant, member_client, settings):
    assert member_client(role=Role.MEMBER).post("/api/v1/subaccount/provision").status_code == 403

    settings.TWILIO_MASTER_FALLBACK = False
    client = member_client(role=Role.OWNER)
    before = client.get("/api/v1/subaccount").json()
    assert before["subaccount"] is None and before["sending"]["mode"] == "blocked"
    response = client.post("/api/v1/subaccount/provision")
    assert response.status_code == 202
    assert response.json()["subaccount"]["status"] in ("pending", "provisioning", "active")


def test_a_failed_subaccount_shows_twilios_code(tenant, member_client):
    TwilioSubaccount.objects.create(
        tenant=tenant,
        friendly_name="x",
        status=TwilioSubaccount.Status.FAILED,
        last_error_code=20003,
        last_error_message="Twilio rejected the account credentials.",
    )
    body = member_client(role=Role.VIEWER).get("/api/v1/subaccount").json()
    assert body["subaccount"]["status"] == "failed"
    assert body["subaccount"]["last_error"] == {
        "code": 20003,
        "message": "Twilio rejected the account credentials.",
        "more_info": "https://www.twilio.com/docs/errors/20003",
    }


# --- numbers --------------------------------------------------------------------------------


def test_search_by_region_and_postal_code_through_the_api(tenant, active_sub, member_client):
    client = member_client(role=Role.ADMIN)
    offers = client.get("/api/v1/numbers/available", {"region": "IL", "limit": 3})
    assert offers.status_code == 200, offers.content
    assert {(o["region"], o["postal_code"]) for o in offers.json()} == {("IL", "60601")}
    bad = client.get("/api/v1/numbers/available", {"postal_code": "!"})
    assert bad.status_code == 400


def test_search_buy_primary_release_through_the_api(tenant, active_sub, member_client):
    client = member_client(role=Role.ADMIN)

    offers = client.get("/api/v1/numbers/available", {"area_code": "415", "sms": "true"})
    assert offers.status_code == 200, offers.content
    offer = offers.json()[0]
    assert offer["monthly_price"] == "1.15" and offer["capabilities"]["sms"] is True

    bought = client.post("/api/v1/numbers", {"phone_number": offer["phone_number"]}, format="json")
    assert bought.status_code == 201, bought.content
    first = bought.json()
    assert first["is_primary"] and first["status"] == "active"
    second = client.post("/api/v1/numbers", {"area_code": "212"}, format="json").json()

    primary = client.post(f"/api/v1/numbers/{second['id']}/primary")
    assert primary.status_code == 200 and primary.json()["is_primary"]
    assert client.get(f"/api/v1/numbers/{first['id']}").json()["is_primary"] is False

    released = client.post(f"/api/v1/numbers/{first['id']}/release")
    assert released.status_code == 200 and released.json()["status"] == "released"
    active = client.get("/api/v1/numbers", {"status": "active"}).json()["results"]
    assert [n["id"] for n in active] == [second["id"]]


def test_number_roles(tenant, active_sub, member_client):
    viewer, member = member_client(role=Role.VIEWER), member_client(role=Role.MEMBER)
    number = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    other = number_buy(tenant=tenant, actor=Actor.system(), area_code="212")

    assert viewer.get("/api/v1/numbers").status_code == 200
    assert viewer.post("/api/v1/numbers", {"area_code": "415"}, format="json").status_code == 403
    assert member.post("/api/v1/numbers", {"area_code": "415"}, format="json").status_code == 403
    assert member.post(f"/api/v1/numbers/{number.pk}/release").status_code == 403
    assert viewer.post(f"/api/v1/numbers/{other.pk}/primary").status_code == 403
    assert member.post(f"/api/v1/numbers/{other.pk}/primary").status_code == 200


def test_buy_errors(tenant, member_client, active_sub, settings):
    client = member_client(role=Role.OWNER)
    both = client.post("/api/v1/numbers", {"phone_number": "+14155550100", "area_code": "415"})
    assert both.status_code == 400
    settings.NUMBER_LIMIT_PER_TENANT = 0
    limited = client.post("/api/v1/numbers", {"area_code": "415"}, format="json")
    assert limited.status_code == 409
    assert limited.json()["error"]["code"] == "number_limit_reached"
    bad = client.get("/api/v1/numbers/available", {"area_code": "4a5", "type": "fax"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"area_code", "type"}


def test_another_tenants_number_is_a_404(tenant, other_tenant, member_client):
    theirs = PhoneNumberFactory(tenant=other_tenant)
    client = member_client(role=Role.OWNER)

    assert client.get(f"/api/v1/numbers/{theirs.pk}").status_code == 404
    assert client.post(f"/api/v1/numbers/{theirs.pk}/primary").status_code == 404
    assert client.post(f"/api/v1/numbers/{theirs.pk}/release").status_code == 404
    assert theirs.pk not in [n["id"] for n in client.get("/api/v1/numbers").json()["results"]]
    theirs.refresh_from_db()
    assert theirs.status == PhoneNumber.Status.ACTIVE


# --- staff ----------------------------------------------------------------------------------


def test_staff_subaccount_actions_reach_the_sandbox(tenant, active_sub, staff_client):
    base = f"/api/v1/staff/subaccounts/{active_sub.pk}"

    suspended = staff_client.post(f"{base}/suspend", {"reason": "chargeback"}, format="json")
    assert suspended.json()["status"] == "suspended"
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "suspended"
    assert staff_client.post(f"{base}/reactivate").json()["status"] == "active"

    rotated = staff_client.post(f"{base}/rotate-token")
    assert rotated.status_code == 200 and rotated.json()["token_rotated_at"]

    limit = staff_client.patch(base, {"number_limit_override": 9}, format="json")
    assert limit.json()["number_limit"] == 9

    refused = staff_client.post(f"{base}/close", {"confirm": False}, format="json")
    assert refused.status_code == 400
    closed = staff_client.post(f"{base}/close", {"confirm": True}, format="json")
    assert closed.json()["status"] == "closed"
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "closed"
    assert staff_client.post(f"{base}/reactivate").status_code == 409


def test_staff_pool_through_the_api(tenant, active_sub, staff_client):
    bought = staff_client.post("/api/v1/staff/pool", {"area_code": "628"}, format="json")
    assert bought.status_code == 201, bought.content
    pooled_id = bought.json()["id"]
    assert staff_client.get("/api/v1/staff/pool").json()["results"][0]["status"] == "available"

    missing = staff_client.post(
        f"/api/v1/staff/pool/{pooled_id}/allocate", {"tenant": 99999}, format="json"
    )
    assert missing.status_code == 400
    allocated = staff_client.post(
        f"/api/v1/staff/pool/{pooled_id}/allocate", {"tenant": tenant.pk}, format="json"
    )
    assert allocated.status_code == 201 and allocated.json()["origin"] == "pool"
    assert staff_client.post(f"/api/v1/staff/pool/{pooled_id}/release").status_code == 409

    other = pool_buy(actor=Actor.system(), area_code="628")
    released = staff_client.post(f"/api/v1/staff/pool/{other.pk}/release")
    assert released.json()["status"] == PooledNumber.Status.RELEASED


def test_the_schema_lists_the_provisioning_operations(staff_client):
    schema = staff_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for operation in (
        "customers_create",
        "subaccount_retrieve",
        "subaccount_provision",
        "numbers_search",
        "numbers_buy",
        "numbers_set_primary",
        "numbers_release",
        "staff_subaccounts_close",
        "staff_pool_allocate",
    ):
        assert operation in schema
