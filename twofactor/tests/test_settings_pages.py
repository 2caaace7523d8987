"""The portal's two-factor page, the owners' rule (page and API), the admin reset, the demo
staff device and `manage.py totp_code`."""

import json
from base64 import b32encode
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from isvplatform.demo import credentials_file, ensure_demo_data
from tenants.models import AuditEvent, Membership
from tenants.tests.factories import MembershipFactory, UserFactory, make_api_key
from twofactor import selectors
from twofactor.models import TenantSecurityPolicy
from twofactor.tests.factories import TOTPDeviceFactory
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
SETTINGS = reverse("twofactor:settings")
POLICY = reverse("twofactor:policy")
API = "/api/v1/security/two-factor"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_enrol_page_shows_qr_and_secret_and_never_caches(tenant):
    user = MembershipFactory(tenant=tenant).user
    client = signed_in(user)
    page = client.get(SETTINGS)
    assert b"Set up two-factor sign-in" in page.content
    enrol = client.get(reverse("twofactor:enrol"))
    html = enrol.content.decode()
    device = selectors.totp_device_for(user, confirmed=False)
    assert "<svg" in html and "<script>" not in html
    assert device.key not in html  # the hex key never; the base32 secret, grouped
    assert enrol.context["secret"].replace(" ", "") in html.replace(" ", "")
    assert "no-store" in enrol["Cache-Control"]
    wrong = client.post(reverse("twofactor:enrol"), {"code": "12"})
    assert wrong.status_code == 400 and not selectors.has_two_factor(user)


def test_recovery_codes_show_once_and_can_be_remade(tenant):
    user = MembershipFactory(tenant=tenant).user
    client = signed_in(user)
    client.get(reverse("twofactor:enrol"))
    device = selectors.totp_device_for(user, confirmed=False)
    client.post(reverse("twofactor:enrol"), {"code": selectors.totp_current_code(device)})
    shown = client.get(reverse("twofactor:recovery_codes"))
    codes = shown.context["codes"]
    assert len(codes) == 10 and all(code in shown.content.decode() for code in codes)
    assert b'download="isvplatform-recovery-codes.txt"' in shown.content
    again = client.get(reverse("twofactor:recovery_codes"))
    assert again.context["codes"] is None and codes[0] not in again.content.decode()
    remade = client.post(reverse("twofactor:recovery_codes"), follow=True)
    assert set(remade.context["codes"]).isdisjoint(codes)


def test_disable_from_the_page_needs_a_current_code(tenant):
    user = MembershipFactory(tenant=tenant).user
    client = Client()
    device = login_verified(client, user)
    refused = client.post(reverse("twofactor:disable"), {"code": "123"})
    assert refused.status_code == 400 and selectors.has_two_factor(user)
    device.throttle_reset()
    code = selectors.totp_current_code(device, steps_ahead=1)
    assert client.post(reverse("twofactor:disable"), {"code": code}).status_code == 302
    assert not selectors.has_two_factor(user)


@pytest.mark.parametrize("role", [Membership.Role.ADMIN, Membership.Role.MEMBER])
def test_only_owners_change_the_rule_on_the_page(tenant, role):
    user = MembershipFactory(tenant=tenant, role=role).user
    client = signed_in(user)
    assert b"Members choose for themselves." in client.get(SETTINGS).content
    assert client.post(POLICY, {"require_two_factor": "on"}).status_code == 403
    assert not TenantSecurityPolicy.objects.for_tenant(tenant).exists()


def test_an_owner_requires_it_and_then_must_enrol_too(tenant):
    owner = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user
    client = signed_in(owner)
    assert client.post(POLICY, {"require_two_factor": "on"}).status_code == 302
    assert selectors.policy_for(tenant).require_two_factor
    assert client.get("/team/")["Location"].startswith(reverse("twofactor:enrol"))
    assert AuditEvent.objects.for_tenant(tenant).filter(action="security_policy.updated").exists()


def test_the_rule_through_the_api(member_client, tenant):
    owner = member_client(Membership.Role.OWNER)
    MembershipFactory(tenant=tenant, role=Membership.Role.VIEWER)
    TOTPDeviceFactory(user=owner.membership.user)
    login_verified(owner, owner.membership.user)
    body = owner.get(API).json()
    assert body == {
        "require_two_factor": False,
        "members": 2,
        "members_with_two_factor": 1,
        "updated_at": None,
    }
    changed = owner.patch(API, {"require_two_factor": True}, format="json")
    assert changed.status_code == 200 and changed.json()["require_two_factor"] is True
    bad = owner.patch(API, {"require_two_factor": "maybe"}, format="json")
    assert bad.status_code == 400 and "require_two_factor" in bad.json()["error"]["fields"]

    admin = member_client(Membership.Role.ADMIN)
    login_verified(admin, admin.membership.user)
    assert admin.get(API).json()["require_two_factor"] is True
    assert admin.patch(API, {"require_two_factor": False}, format="json").status_code == 403
    _, raw = make_api_key(tenant, scopes=["read", "write"])
    keyed = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert keyed.get(API).status_code == 200
    assert keyed.patch(API, {"require_two_factor": False}, format="json").status_code == 403
    assert selectors.policy_for(tenant).require_two_factor


def test_staff_reset_a_persons_two_factor_in_the_admin(tenant):
    member = MembershipFactory(tenant=tenant).user
    device = TOTPDeviceFactory(user=member)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    login_verified(client, staff)
    listing = client.get("/admin/auth/user/")
    assert listing.status_code == 200
    device_page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert device_page.status_code == 200
    assert device.key not in device_page.content.decode()
    client.post(
        "/admin/auth/user/", {"action": "reset_two_factor", ACTION_CHECKBOX_NAME: [member.pk]}
    )
    assert not selectors.has_two_factor(member)
    event = AuditEvent.objects.for_tenant(tenant).get(action="two_factor.reset")
    assert event.actor_user == staff


def test_totp_code_command_prints_the_current_code():
    user = UserFactory()
    device = TOTPDeviceFactory(user=user)
    out = StringIO()
    call_command("totp_code", user.username, stdout=out)
    assert out.getvalue().strip() == selectors.totp_current_code(device)


def test_demo_staff_get_a_device_whose_secret_is_in_the_credentials(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ensure_demo_data()
    saved = json.loads(credentials_file().read_text())
    device = selectors.totp_device_for(UserFactory._meta.model.objects.get(username="admin"))
    assert saved["admin (2FA secret)"] == b32encode(device.bin_key).decode().rstrip("=")
