"""API authentication: `Authorization: Bearer <api key>` or the portal session."""

import pytest
from django.forms.models import model_to_dict
from django.test import RequestFactory
from rest_framework.test import APIClient

from tenants.models import APIKey, AuditEvent, Membership
from tenants.services import Actor, api_key_revoke
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory, make_api_key, secret_of


def bearer(raw_key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def test_a_key_acts_for_its_tenant_and_records_its_use(tenant):
    api_key, raw_key = make_api_key(tenant)
    assert api_key.last_used_at is None
    response = bearer(raw_key).get("/api/v1/tenant")
    assert response.status_code == 200
    assert response.json()["id"] == tenant.pk
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None


def test_writes_with_a_key_are_audited_as_the_key(tenant):
    api_key, raw_key = make_api_key(tenant)
    bearer(raw_key).patch("/api/v1/business-profile", {"industry": "retail"}, format="json")
    event = AuditEvent.objects.for_tenant(tenant).get(action="business_profile.updated")
    assert (event.actor_type, event.actor_api_key, event.actor_user) == ("api_key", api_key, None)
    assert event.actor_label == f"API key {api_key.prefix}"


def test_a_revoked_key_is_rejected(tenant):
    api_key, raw_key = make_api_key(tenant)
    api_key_revoke(api_key=api_key, actor=Actor.system())
    response = bearer(raw_key).get("/api/v1/tenant")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "error": {
            "code": "authentication_failed",
            "message": "Invalid or revoked API key.",
            "fields": {},
        }
    }


@pytest.mark.parametrize(
    "header",
    ["Bearer isv_0000_not-a-real-key", "Bearer ", "Bearer not-our-format", "Bearer isv_"],
)
def test_unknown_or_malformed_keys_are_rejected(tenant, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/tenant")
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"authentication_failed", "not_authenticated"}


def test_a_revoked_key_revoked_through_the_api_stops_at_once(member_client, tenant):
    api_key, raw_key = make_api_key(tenant)
    assert bearer(raw_key).get("/api/v1/tenant").status_code == 200
    member_client(role=Membership.Role.ADMIN).delete(f"/api/v1/api-keys/{api_key.pk}")
    assert bearer(raw_key).get("/api/v1/tenant").status_code == 401


def test_the_key_is_never_retrievable(member_client, tenant):
    client = member_client(role=Membership.Role.OWNER)
    created = client.post("/api/v1/api-keys", {"name": "ci"}, format="json").json()
    raw_key = created["key"]
    secret_part = secret_of(raw_key)

    pages = [
        client.get("/api/v1/api-keys").content,
        client.get(f"/api/v1/api-keys/{created['id']}").content,
        bearer(raw_key).get("/api/v1/api-keys").content,
    ]
    assert all(secret_part.encode() not in page for page in pages)

    api_key = APIKey.objects.get(pk=created["id"])
    stored = [str(v) for v in model_to_dict(api_key).values()] + [api_key.hashed_key]
    stored += [str(e.changes) + e.target_label for e in AuditEvent.objects.all()]
    assert all(secret_part not in value for value in stored)


def test_the_key_of_a_suspended_tenant_reads_but_cannot_write(tenant):
    _, raw_key = make_api_key(tenant)
    tenant.status = "suspended"
    tenant.save()
    client = bearer(raw_key)
    assert client.get("/api/v1/business-profile").status_code == 200
    response = client.patch("/api/v1/business-profile", {"industry": "x"}, format="json")
    assert response.status_code == 403


def test_session_writes_need_the_csrf_token_but_key_writes_do_not(tenant):
    membership = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER)
    session_client = APIClient(enforce_csrf_checks=True)
    assert session_client.login(
        request=RequestFactory().get("/"), username=membership.user.username, password=TEST_PASSWORD
    )
    response = session_client.patch("/api/v1/business-profile", {"industry": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]

    key_client = APIClient(enforce_csrf_checks=True)
    key_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    response = key_client.patch("/api/v1/business-profile", {"industry": "x"}, format="json")
    assert response.status_code == 200


@pytest.fixture
def strict_failure_rate(settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_AUTH_FAILURE_RATE = "5/min"


@pytest.mark.parametrize(
    "bad_key, url",
    [("sk_not-a-real-key", "/api/v1/tenant"), ("isvp_not-a-platform-key", "/api/v1/customers")],
)
def test_invalid_keys_from_one_address_get_429_in_the_error_format(
    tenant, strict_failure_rate, bad_key, url
):
    _, good_key = make_api_key(tenant)
    for _ in range(5):
        assert bearer(bad_key).get(url, REMOTE_ADDR="203.0.113.7").status_code == 401

    throttled = bearer(bad_key).get(url, REMOTE_ADDR="203.0.113.7")
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    # Further guesses from there are not even looked at, right or wrong ...
    assert bearer(good_key).get("/api/v1/tenant", REMOTE_ADDR="203.0.113.7").status_code == 429
    # ... while other addresses, and a forged X-Forwarded-For, change nothing.
    assert bearer(good_key).get("/api/v1/tenant", REMOTE_ADDR="198.51.100.20").status_code == 200
    forged = bearer(bad_key).get(url, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert forged.status_code == 429


def test_valid_keys_do_not_count_as_failures(tenant, strict_failure_rate):
    _, good_key = make_api_key(tenant)
    for _ in range(10):
        assert bearer(good_key).get("/api/v1/tenant").status_code == 200
