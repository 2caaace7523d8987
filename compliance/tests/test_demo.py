"""`make run`'s demo: the demo tenant goes through the whole chain to a verified campaign,
and its messages flow."""

import pytest

from compliance.demo import register_demo_tenant, verify_demo_toll_free
from compliance.models import Registration, TollFreeVerification
from compliance.tests.conftest import HANDSET
from isvplatform.demo import DEMO_STEPS, ensure_demo_data
from messaging.services import message_dispatch, message_send
from provisioning.models import PhoneNumber
from sandbox import clock
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.services import Actor
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


def test_the_demo_tenant_ends_with_a_verified_campaign_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert DEMO_STEPS.index("compliance.demo.register_demo_tenant") > DEMO_STEPS.index(
        "provisioning.demo.provision_demo_tenant"
    )
    tenant = ensure_demo_data()["tenant"]

    registration = Registration.objects.for_tenant(tenant).get()
    assert registration.status == Registration.Status.APPROVED and registration.is_active
    assert registration.campaign.raw_status == "VERIFIED"
    assert registration.snapshot["legal_name"] == "Demo Coffee Co LLC"

    register_demo_tenant(tenant)  # idempotent
    assert Registration.objects.for_tenant(tenant).count() == 1

    message = message_send(
        tenant=tenant, to=HANDSET, body="Your latte is ready", actor=Actor.system()
    )
    message_dispatch(str(message.pk))
    clock.advance(10)
    message.refresh_from_db()
    sent = SandboxMessage.objects.get(sid=message.sid)
    assert (sent.status, sent.error_code) == ("delivered", None)


@pytest.fixture
def live_mode(settings, monkeypatch):
    """TWILIO_MODE=live with made-up live credentials; any request to real Twilio fails the
    test. The sandbox keeps its own master (as live mode derives one)."""
    from isvplatform.gateway.http import QuietTwilioHttpClient

    settings.SANDBOX_ACCOUNT_SID = settings.TWILIO_ACCOUNT_SID
    settings.SANDBOX_AUTH_TOKEN = settings.TWILIO_AUTH_TOKEN
    settings.TWILIO_MODE = "live"
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "live-token-never-sent"
    live_calls = []

    def refuse(self, method, url, *args, **kwargs):
        live_calls.append(url)
        raise AssertionError(f"real Twilio called: {method} {url}")

    monkeypatch.setattr(QuietTwilioHttpClient, "request", refuse)
    return live_calls


def test_in_live_mode_the_demo_tenant_lives_in_the_sandbox(settings, tmp_path, live_mode):
    from provisioning.models import TwilioSubaccount
    from sandbox.core.models import Account as SandboxAccount

    settings.VAR_DIR = tmp_path
    tenant = ensure_demo_data()["tenant"]
    sub = TwilioSubaccount.objects.for_tenant(tenant).get()
    assert sub.status == "active"
    in_sandbox = SandboxAccount.objects.get(sid=sub.sid)
    assert in_sandbox.owner.sid == settings.SANDBOX_ACCOUNT_SID
    assert not SandboxAccount.objects.filter(sid=settings.TWILIO_ACCOUNT_SID).exists()
    # The sandbox approved the 10DLC chain itself; the platform's gate was not skipped.
    registration = Registration.objects.for_tenant(tenant).get()
    assert registration.status == Registration.Status.APPROVED

    message = message_send(tenant=tenant, to=HANDSET, body="Demo latte", actor=Actor.system())
    message_dispatch(str(message.pk))
    clock.advance(10)
    message.refresh_from_db()
    sent = SandboxMessage.objects.get(sid=message.sid)
    assert (sent.status, sent.body, sent.account.sid) == ("delivered", "Demo latte", sub.sid)
    assert message.status == "delivered"
    assert live_mode == []


def test_in_live_mode_a_real_tenant_goes_to_twilio(tenant, live_mode):
    from isvplatform import gateway
    from provisioning.services import subaccount_provision, subaccount_request

    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    with pytest.raises((AssertionError, gateway.GatewayError)):
        subaccount_provision(str(sub.pk))
    assert live_mode and live_mode[0].startswith("https://api.twilio.com/")


def test_a_demo_tenant_is_badged_in_the_portal_admin_and_api(tenant, member_client, client):
    from django.contrib.auth import get_user_model

    regular = member_client()
    assert "badge-demo" not in regular.get("/").content.decode()
    tenant.is_demo = True
    tenant.save(update_fields=["is_demo"])
    assert "badge-demo" in regular.get("/").content.decode()
    assert regular.get("/api/v1/tenant").json()["is_demo"] is True

    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-x1!")
    login_verified(client, staff)
    listing = client.get("/admin/tenants/tenant/?is_demo__exact=1").content.decode()
    assert tenant.name in listing
    change = client.get(f"/admin/tenants/tenant/{tenant.pk}/change/").content.decode()
    assert 'name="is_demo"' not in change  # shown, but not switchable afterwards


def test_the_toll_free_demo_tenant_verifies_its_number_and_sends(settings, tmp_path):
    """`make run`'s second tenant has only a toll-free number: verified, it sends."""
    settings.VAR_DIR = tmp_path
    tenant = ensure_demo_data()["toll_free_tenant"]
    (number,) = PhoneNumber.objects.for_tenant(tenant)
    assert number.number_type == PhoneNumber.NumberType.TOLL_FREE
    (verification,) = TollFreeVerification.objects.for_tenant(tenant)
    assert verification.raw_status == "TWILIO_APPROVED"
    verify_demo_toll_free(tenant)  # idempotent
    assert TollFreeVerification.objects.for_tenant(tenant).count() == 1

    message = message_send(tenant=tenant, to=HANDSET, body="Bread is ready", actor=Actor.system())
    message_dispatch(str(message.pk))
    clock.advance(10)
    message.refresh_from_db()
    sent = SandboxMessage.objects.get(sid=message.sid)
    assert (sent.status, sent.error_code, sent.from_address) == (
        "delivered",
        None,
        number.phone_number,
    )
