"""The Verification pages: switch on, settings, test send and check, the log and its CSV;
and the admin's views of Verify."""

from django.test import Client

from twofactor.tests.helpers import login_verified
from verify.models import PumpingAlert, VerificationAttempt, VerifyService
from verify.tests.conftest import code_for, provision_subaccount
from verify.tests.factories import VerificationAttemptFactory


def test_switch_on_test_send_and_check(tenant, portal, django_capture_on_commit_callbacks):
    provision_subaccount(tenant)
    assert b"Switch Verify on" in portal.get("/verify/").content
    bad = portal.post("/verify/enable/", {"brand_name": "Room 12345"})
    assert bad.status_code == 400 and b"five or more digits" in bad.content
    with django_capture_on_commit_callbacks(execute=True):
        portal.post("/verify/enable/", {"brand_name": "Acme"})
    assert VerifyService.objects.for_tenant(tenant).get().status == "active"
    sent = portal.post("/verify/test/", {"to": "+14155550301", "channel": "sms", "locale": ""})
    assert sent.status_code == 200 and b"Code sent by SMS" in sent.content
    attempt = VerificationAttempt.objects.for_tenant(tenant).get()
    assert attempt.source == "portal"
    checked = portal.post(
        "/verify/test/check/", {"attempt": attempt.pk, "code": code_for("+14155550301")}
    )
    assert b"Correct code" in checked.content
    refused = portal.post("/verify/test/", {"to": "+5511987654321", "channel": "sms"})
    assert refused.status_code == 400 and b"country_not_allowed" in refused.content


def test_settings_form_saves_and_refuses(verify_on, portal):
    data = {
        "brand_name": "Acme Tea",
        "code_length": 7,
        "channels": ["sms", "email"],
        "default_locale": "fr",
        "template_sid": "",
        "allowed_countries": "us, ca",
        "lookup_enabled": "on",
        "per_number_hourly_limit": 3,
        "per_ip_hourly_limit": 10,
        "prefix_burst_limit": 20,
    }
    assert portal.post("/verify/settings/", data).status_code == 302
    verify_on.refresh_from_db()
    assert (verify_on.code_length, verify_on.allowed_countries) == (7, ["CA", "US"])
    assert verify_on.do_not_share_warning is False and verify_on.default_locale == "fr"
    bad = portal.post("/verify/settings/", {**data, "allowed_countries": "ZZ"})
    assert bad.status_code == 400 and b"Unknown country code: ZZ" in bad.content


def test_the_log_filters_pages_and_exports(tenant, other_tenant, portal):
    for n in range(55):
        VerificationAttemptFactory(tenant=tenant, to=f"+1628555{n:04d}")
    VerificationAttemptFactory(tenant=tenant, to="ana@example.com", channel="email", country="")
    VerificationAttemptFactory(tenant=other_tenant, to="+16285559999")
    first = portal.get("/verify/attempts/")
    assert first.status_code == 200 and b"Page 1 of 2" in first.content
    assert b"+16285559999" not in first.content
    email = portal.get("/verify/attempts/?channel=email&q=ANA")
    assert b"ana@example.com" in email.content and b"+1628555" not in email.content
    assert portal.get("/verify/attempts/?date_from=nope").status_code == 400
    export = portal.get("/verify/attempts/export.csv?channel=sms")
    lines = b"".join(export.streaming_content).decode().strip().splitlines()
    assert len(lines) == 56 and lines[0].lstrip("\ufeff").startswith("created_at,to,channel")
    assert "+16285559999" not in "".join(lines)


def test_admin_pages(verify_on, tenant, staff_user):
    admin = Client()
    login_verified(admin, staff_user)
    VerificationAttemptFactory(tenant=tenant, service=verify_on)
    alert = PumpingAlert.objects.create(
        tenant=tenant, service=verify_on, prefix="+1415555", sends=30, limit=30,
        created_at=verify_on.created_at, last_refused_at=verify_on.created_at,
    )  # fmt: skip
    for url in [
        "/admin/verify/verifyservice/",
        f"/admin/verify/verifyservice/{verify_on.pk}/change/",
        "/admin/verify/verifyservice/add/",
        "/admin/verify/verificationattempt/",
        "/admin/verify/verificationcheck/",
        "/admin/verify/pumpingalert/",
    ]:
        assert admin.get(url).status_code == 200, url
    resync = admin.post(
        "/admin/verify/verifyservice/",
        {"action": "resync", "_selected_action": [verify_on.pk]},
    )
    assert resync.status_code == 302
    admin.post("/admin/verify/pumpingalert/", {"action": "review", "_selected_action": [alert.pk]})
    alert.refresh_from_db()
    assert alert.reviewed_by == staff_user
