"""The Verify API: send and check through the sandbox, refusals in the one error format,
the log, settings and the staff routes; other tenants' verifications answer 404."""

import pytest
from rest_framework.test import APIClient

from tenants.models import AuditEvent, Membership
from tenants.tests.factories import make_api_key
from twofactor.tests.helpers import login_verified
from verify.models import VerificationAttempt, VerifyService
from verify.tests.conftest import code_for, provision_subaccount
from verify.tests.factories import VerificationAttemptFactory


@pytest.fixture
def key_api(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


def test_send_check_and_read_the_log(verify_on, key_api):
    sent = key_api.post(
        "/api/v1/verifications",
        {"to": "+14155550201", "channel": "sms", "client_ip": "203.0.113.9"},
        format="json",
    )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["status"] == "pending" and body["sid"].startswith("VE")
    assert body["client_ip"] == "203.0.113.9" and body["price_unit"] == "USD"
    code = code_for("+14155550201")
    wrong = str((int(code) + 1) % 10 ** len(code)).zfill(len(code))
    miss = key_api.post(
        "/api/v1/verifications/check", {"to": "+14155550201", "code": wrong}, format="json"
    )
    assert miss.status_code == 200 and miss.json()["result"] == "wrong_code"
    assert miss.json()["valid"] is False
    hit = key_api.post(
        "/api/v1/verifications/check",
        {"verification_id": body["id"], "code": code},
        format="json",
    )
    assert hit.status_code == 200 and hit.json()["valid"] is True
    assert hit.json()["verification"]["status"] == "approved"
    again = key_api.post(
        "/api/v1/verifications/check", {"to": "+14155550201", "code": code}, format="json"
    )
    assert again.status_code == 404 and again.json()["error"]["code"] == "20404"
    one = key_api.get(f"/api/v1/verifications/{body['id']}").json()
    assert [c["result"] for c in one["checks"]] == ["wrong_code", "approved", "expired"]
    listed = key_api.get("/api/v1/verifications?status=approved&channel=sms").json()
    assert [a["id"] for a in listed["results"]] == [body["id"]]
    assert key_api.get("/api/v1/verifications?status=nonsense").status_code == 400


def test_refusals_name_their_code_and_field(verify_on, key_api):
    geo = key_api.post("/api/v1/verifications", {"to": "+5511987654321"}, format="json")
    assert geo.status_code == 403
    assert geo.json()["error"]["code"] == "country_not_allowed"
    assert "to" in geo.json()["error"]["fields"]
    bad = key_api.post("/api/v1/verifications", {"to": "+1", "channel": "sms"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["to"]
    no_target = key_api.post("/api/v1/verifications/check", {"code": "1234"}, format="json")
    assert no_target.status_code == 400 and "to" in no_target.json()["error"]["fields"]


def test_another_tenants_verification_is_not_checked(verify_on, key_api, other_tenant):
    theirs = VerificationAttemptFactory(tenant=other_tenant)
    response = key_api.post(
        "/api/v1/verifications/check",
        {"verification_id": theirs.pk, "code": "123456"},
        format="json",
    )
    assert response.status_code == 404
    assert key_api.get(f"/api/v1/verifications/{theirs.pk}").status_code == 404


def test_settings_enable_disable(tenant, member_client, django_capture_on_commit_callbacks):
    provision_subaccount(tenant)
    owner = member_client(role=Membership.Role.OWNER)
    before = owner.get("/api/v1/verify/settings").json()
    assert before["enabled"] is False and before["countries_in_force"] == ["US"]
    assert owner.patch("/api/v1/verify/settings", {}, format="json").status_code == 409
    bad = owner.post("/api/v1/verify/enable", {"brand_name": "Shop 12345"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["brand_name"]
    with django_capture_on_commit_callbacks(execute=True):
        on = owner.post("/api/v1/verify/enable", {"brand_name": "Acme"}, format="json")
    assert on.status_code == 202 and on.json()["enabled"] is True
    assert owner.get("/api/v1/verify/settings").json()["status"] == "active"
    with django_capture_on_commit_callbacks(execute=True):
        changed = owner.patch(
            "/api/v1/verify/settings",
            {"code_length": 8, "allowed_countries": ["US", "CA"], "prefix_burst_limit": 40},
            format="json",
        )
    assert changed.status_code == 200, changed.content
    assert changed.json()["code_length"] == 8
    assert changed.json()["countries_in_force"] == ["CA", "US"]
    event = AuditEvent.objects.filter(tenant=tenant, action="verify.settings_changed").get()
    assert event.changes["code_length"] == [6, 8]
    too_long = owner.patch("/api/v1/verify/settings", {"code_length": 11}, format="json")
    assert too_long.status_code == 400
    viewer = member_client(role=Membership.Role.VIEWER)
    assert viewer.post("/api/v1/verify/disable").status_code == 403
    off = owner.post("/api/v1/verify/disable")
    assert off.status_code == 200 and off.json()["enabled"] is False
    refused = owner.post("/api/v1/verifications", {"to": "+14155550202"}, format="json")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "verify_disabled"


def test_staff_send_and_check_for_a_business(verify_on, tenant, staff_user):
    staff = APIClient()
    login_verified(staff, staff_user)
    url = f"/api/v1/businesses/{tenant.pk}/verify"
    sent = staff.post(f"{url}/send", {"to": "+14155550203"}, format="json")
    assert sent.status_code == 201, sent.content
    assert VerificationAttempt.objects.get(pk=sent.json()["id"]).source == "staff"
    checked = staff.post(
        f"{url}/check", {"to": "+14155550203", "code": code_for("+14155550203")}, format="json"
    )
    assert checked.status_code == 200 and checked.json()["result"] == "approved"
    assert staff.post("/api/v1/businesses/2147483000/verify/send", {"to": "+14155550203"},
                      format="json").status_code == 404  # fmt: skip
    assert VerifyService.objects.for_tenant(tenant).get().enabled
