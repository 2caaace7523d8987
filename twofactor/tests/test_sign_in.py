"""The sign-in gate: the code step after a password (portal and admin), forced enrolment of
staff and of a tenant's members, the lockout, and API keys left alone."""

import pytest
from django.test import Client
from django.urls import reverse

from tenants.models import Membership
from tenants.services import Actor
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, make_api_key
from twofactor import selectors
from twofactor.services import recovery_codes_regenerate, security_policy_update
from twofactor.tests.factories import TOTPDeviceFactory
from twofactor.verify_views import FAILURES_SESSION_KEY

pytestmark = pytest.mark.django_db
VERIFY = reverse("twofactor:verify")
ENROL = reverse("twofactor:enrol")


def password_login(client: Client, user, path: str = "/accounts/login/") -> None:
    response = client.post(path, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_a_person_with_a_device_must_enter_a_code_after_the_password(tenant):
    user = MembershipFactory(tenant=tenant).user
    device = TOTPDeviceFactory(user=user)
    client = Client()
    password_login(client, user)
    blocked = client.get("/team/")
    assert blocked.status_code == 302 and blocked["Location"] == f"{VERIFY}?next=%2Fteam%2F"
    assert client.get("/api/v1/members").json()["error"]["code"] == "two_factor_required"
    assert client.get(reverse("twofactor:settings")).status_code == 302  # no switching it off

    page = client.get(blocked["Location"])
    assert page.status_code == 200 and b"Two-factor sign-in" in page.content
    code = selectors.totp_current_code(device)
    done = client.post(VERIFY, {"code": code, "next": "/team/"})
    assert done.status_code == 302 and done["Location"] == "/team/"
    assert client.get("/team/").status_code == 200
    assert client.get("/api/v1/members").status_code == 200


def test_next_never_leaves_the_site(tenant):
    user = MembershipFactory(tenant=tenant).user
    device = TOTPDeviceFactory(user=user)
    client = Client()
    password_login(client, user)
    code = selectors.totp_current_code(device)
    done = client.post(VERIFY, {"code": code, "next": "https://evil.example/"})
    assert done["Location"] == reverse("portal:dashboard")


def test_people_without_a_device_and_without_a_rule_sign_in_as_before(tenant):
    user = MembershipFactory(tenant=tenant).user
    client = Client()
    password_login(client, user)
    assert client.get("/team/").status_code == 200
    assert client.get(VERIFY).status_code == 302  # nothing to verify


def test_wrong_codes_sign_the_session_out_at_the_limit(tenant, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the session limit under test here
    settings.TWOFACTOR_SESSION_FAILURE_LIMIT = 3
    user = MembershipFactory(tenant=tenant).user
    device = TOTPDeviceFactory(user=user)
    client = Client()
    password_login(client, user)
    right = selectors.totp_current_code(device)
    wrong = next(c for c in ("000000", "111111") if c != right)
    for n in (1, 2):
        refused = client.post(VERIFY, {"code": wrong})
        assert refused.status_code == 400 and b"That code is not right" in refused.content
        assert client.session[FAILURES_SESSION_KEY] == n
    out = client.post(VERIFY, {"code": wrong})
    assert out.status_code == 302 and out["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session
    # Signed out: even the right code does nothing now.
    assert client.post(VERIFY, {"code": right}).status_code == 302
    assert client.get("/team/")["Location"].startswith(reverse("login"))


def test_a_throttled_device_refuses_the_right_code_for_a_while(tenant, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    user = MembershipFactory(tenant=tenant).user
    device = TOTPDeviceFactory(user=user)
    client = Client()
    password_login(client, user)
    right = selectors.totp_current_code(device)
    wrong = next(c for c in ("000000", "111111") if c != right)
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    locked = client.post(VERIFY, {"code": right})
    assert locked.status_code == 429 and b"Too many wrong codes" in locked.content
    assert client.get("/team/").status_code == 302


def test_a_recovery_code_signs_in_once(tenant):
    user = MembershipFactory(tenant=tenant).user
    TOTPDeviceFactory(user=user)
    codes = recovery_codes_regenerate(user=user, actor=Actor.system())
    first = Client()
    password_login(first, user)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert first.get("/team/").status_code == 200
    second = Client()
    password_login(second, user)
    assert second.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert selectors.recovery_codes_left(user) == 9


def test_staff_without_a_device_must_enrol_before_the_admin():
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    password_login(client, staff, "/admin/login/?next=/admin/")
    forced = client.get("/admin/")
    assert forced.status_code == 302 and forced["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    page = client.get(forced["Location"])
    assert page.status_code == 200 and b"required for staff" in page.content
    device = selectors.totp_device_for(staff, confirmed=False)
    done = client.post(ENROL, {"code": selectors.totp_current_code(device), "next": "/admin/"})
    assert done.status_code == 302
    codes_page = client.get(done["Location"])
    assert codes_page.status_code == 200 and len(codes_page.context["codes"]) == 10
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_asks_staff_with_a_device_for_a_code():
    staff = UserFactory(is_staff=True, is_superuser=True)
    device = TOTPDeviceFactory(user=staff)
    client = Client()
    password_login(client, staff, "/admin/login/?next=/admin/")
    assert client.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/auth/user/").status_code == 302
    client.post(VERIFY, {"code": selectors.totp_current_code(device)})
    assert client.get("/admin/auth/user/").status_code == 200


def test_a_tenant_rule_sends_members_to_enrol_at_their_next_request(tenant, other_tenant):
    member = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER).user
    outsider = MembershipFactory(tenant=other_tenant).user
    clients = {}
    for user in (member, outsider):
        clients[user] = Client()
        password_login(clients[user], user)
        assert clients[user].get("/team/").status_code == 200
    security_policy_update(tenant=tenant, require_two_factor=True, actor=Actor.system())
    assert clients[member].get("/team/")["Location"] == f"{ENROL}?next=%2Fteam%2F"
    assert clients[member].get("/api/v1/members").status_code == 403
    assert clients[outsider].get("/team/").status_code == 200


def test_api_keys_are_never_asked_for_a_code(tenant):
    security_policy_update(tenant=tenant, require_two_factor=True, actor=Actor.system())
    TOTPDeviceFactory(user=MembershipFactory(tenant=tenant).user)
    _, raw = make_api_key(tenant)
    response = Client().get("/api/v1/members", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
