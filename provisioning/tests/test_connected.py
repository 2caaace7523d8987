"""A tenant's own Twilio account, connected instead of a platform subaccount: the real
credentials check, the secret never shown, its numbers' webhooks, sending and callbacks
through it, and lifecycle actions that never touch it at Twilio."""

import logging

import pytest
from django.test import Client

from isvplatform.public import absolute_url
from messaging.models import Message
from messaging.services import message_send
from messaging.tests.conftest import HANDSET, signed_post
from provisioning.connected import twilio_account_connect
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy
from provisioning.reconcile import subaccount_reconcile, subaccounts_due_for_rotation
from provisioning.suspension import subaccount_close, subaccount_suspend
from sandbox.core.models import Account as SandboxAccount
from sandbox.resources.messages.models import Message as SandboxMessage
from sandbox.resources.phone_numbers.models import PhoneNumber as SandboxNumber
from sandbox.services import create_standalone_account
from sandbox.testing import sdk_client
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
URL = "/api/v1/twilio-account"


@pytest.fixture
def own():
    """The tenant's own Twilio account, made outside the platform, with one toll-free number."""
    account = create_standalone_account("Bea's own Twilio")
    token = account.auth_token.reveal()
    client = sdk_client(account.sid, token)
    offer = client.available_phone_numbers("US").toll_free.list(limit=1)[0]
    client.incoming_phone_numbers.create(phone_number=offer.phone_number)
    account.token = token
    account.number = offer.phone_number
    return account


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def owner_api(member_client):
    return member_client(role=Membership.Role.OWNER)


def connect(api, own, django_capture_on_commit_callbacks, token=None):
    with django_capture_on_commit_callbacks(execute=True):
        return api.post(
            URL,
            {"twilio_account_sid": own.sid, "twilio_auth_token": token or own.token},
            format="json",
        )


def test_connecting_checks_the_credentials_and_configures_the_numbers(
    tenant, own, owner_api, django_capture_on_commit_callbacks, caplog
):
    caplog.set_level(logging.DEBUG)
    response = connect(owner_api, own, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["connected"] is True
    assert body["account"]["sid"] == own.sid
    assert body["account"]["origin"] == "connected"
    assert body["account"]["billing_mode"] == "platform_fees_only"
    sub = TwilioSubaccount.objects.get(tenant=tenant, sid=own.sid)
    assert sub.status == "active" and sub.auth_token.reveal() == own.token
    number = PhoneNumber.objects.get(tenant=tenant, phone_number=own.number)
    assert number.subaccount == sub and number.status == "active"
    at_twilio = SandboxNumber.objects.get(phone_number=own.number)
    assert at_twilio.sms_url == absolute_url("/webhooks/twilio/inbound")
    assert at_twilio.status_callback == absolute_url("/webhooks/twilio/status")
    # The secret is never shown again: not in answers, the audit log or the logs.
    assert own.token not in owner_api.get(URL).content.decode()
    assert own.token not in owner_api.get("/api/v1/subaccount").content.decode()
    assert own.token not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert own.token not in caplog.text


def test_refused_credentials_answer_400_and_store_nothing(
    tenant, own, owner_api, django_capture_on_commit_callbacks
):
    response = connect(owner_api, own, django_capture_on_commit_callbacks, token="0" * 32)

    assert response.status_code == 400
    error = response.json()["error"]
    assert "refused these credentials" in error["fields"]["twilio_auth_token"][0]
    assert not TwilioSubaccount.objects.filter(tenant=tenant).exists()


def test_malformed_credentials_and_the_platforms_own_accounts_are_refused(
    tenant, owner_api, active_sub_of_other, settings
):
    for payload in (
        {"twilio_account_sid": "nope", "twilio_auth_token": "x"},
        {"twilio_account_sid": settings.TWILIO_ACCOUNT_SID, "twilio_auth_token": "a" * 32},
        {
            "twilio_account_sid": active_sub_of_other.sid,
            "twilio_auth_token": active_sub_of_other.token,
        },
        {},
    ):
        response = owner_api.post(URL, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
    assert not TwilioSubaccount.objects.filter(tenant=tenant).exists()


@pytest.fixture
def active_sub_of_other(other_tenant, provision):
    sub = provision(other_tenant)
    sub.token = sub.auth_token.reveal()
    return sub


@pytest.fixture
def connected(tenant, own, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sub = twilio_account_connect(
            tenant=tenant, actor=Actor.system(), account_sid=own.sid, auth_token=own.token
        )
    # Twilio fails US traffic from an unverified toll-free number with 30032.
    from compliance.testing import verify_toll_free

    verify_toll_free(tenant, PhoneNumber.objects.get(tenant=tenant, phone_number=own.number))
    return sub


def test_a_send_goes_through_the_tenants_own_account(tenant, own, connected, on_commit):
    with on_commit:
        message = message_send(tenant=tenant, to=HANDSET, body="hi", actor=Actor.system())

    message.refresh_from_db()
    assert message.sid and message.account_sid == own.sid
    assert SandboxMessage.objects.get(sid=message.sid).account.sid == own.sid


def status_params(message, account_sid):
    return {
        "MessageSid": message.sid,
        "MessageStatus": "delivered",
        "AccountSid": account_sid,
        "From": message.from_number,
        "To": message.to_number,
        "ApiVersion": "2010-04-01",
    }


def test_status_callbacks_verify_with_the_tenants_own_token_only(tenant, own, connected, on_commit):
    with on_commit:
        message = message_send(tenant=tenant, to=HANDSET, body="hi", actor=Actor.system())
    message.refresh_from_db()
    stranger = create_standalone_account("Someone else")
    path = "/webhooks/twilio/status"

    forged = signed_post(
        Client(), path, status_params(message, stranger.sid), stranger.auth_token.reveal()
    )
    assert forged.status_code == 403
    genuine = signed_post(Client(), path, status_params(message, own.sid), own.token)
    assert genuine.status_code == 204
    assert Message.objects.get(pk=message.pk).status == "delivered"


def test_suspending_and_closing_never_touch_the_tenants_account_at_twilio(tenant, own, connected):
    subaccount_suspend(subaccount=connected, actor=Actor.system(), reason="unpaid")
    assert SandboxAccount.objects.get(sid=own.sid).status == "active"
    subaccount_reconcile(subaccount=connected)
    assert SandboxAccount.objects.get(sid=own.sid).status == "active"

    subaccount_close(subaccount=connected, actor=Actor.system(), confirmed=True)

    connected.refresh_from_db()
    assert connected.status == "closed" and connected.auth_token is None
    assert SandboxAccount.objects.get(sid=own.sid).status == "active"
    assert SandboxNumber.objects.filter(phone_number=own.number, account__sid=own.sid).exists()
    assert PhoneNumber.objects.get(phone_number=own.number).status == "released"


def test_the_platform_never_rotates_the_tenants_token(connected, staff_client):
    assert connected not in subaccounts_due_for_rotation()
    response = staff_client.post(f"/api/v1/staff/subaccounts/{connected.pk}/rotate-token")
    assert response.status_code == 409
    connected.refresh_from_db()
    assert connected.secondary_auth_token is None


def test_disconnect_then_reconnect(
    tenant, own, owner_api, connected, django_capture_on_commit_callbacks
):
    response = owner_api.delete(URL)
    assert response.status_code == 200
    assert response.json()["connected"] is False
    assert SandboxAccount.objects.get(sid=own.sid).status == "active"
    assert owner_api.delete(URL).status_code == 409

    again = connect(owner_api, own, django_capture_on_commit_callbacks)
    assert again.status_code == 201, again.content
    assert TwilioSubaccount.objects.filter(sid=own.sid).count() == 1


def test_another_tenant_sees_nothing_and_cannot_take_the_account(
    own, connected, other_tenant, member_client, django_capture_on_commit_callbacks
):
    theirs = member_client(role=Membership.Role.OWNER, for_tenant=other_tenant)
    body = theirs.get(URL).json()
    assert body == {"connected": False, "account": None}
    assert connect(theirs, own, django_capture_on_commit_callbacks).status_code == 409
    assert theirs.delete(URL).status_code == 409


def test_members_may_read_but_not_connect(tenant, own, member_client):
    member = member_client(role=Membership.Role.MEMBER)
    assert member.get(URL).status_code == 200
    response = member.post(
        URL, {"twilio_account_sid": own.sid, "twilio_auth_token": own.token}, format="json"
    )
    assert response.status_code == 403


def test_the_unused_subaccount_made_at_sign_up_gives_way_to_the_own_account(
    tenant, own, owner_api, active_sub, django_capture_on_commit_callbacks
):
    response = connect(owner_api, own, django_capture_on_commit_callbacks)

    assert response.status_code == 201, response.content
    active_sub.refresh_from_db()
    assert active_sub.status == "closed"
    assert SandboxAccount.objects.get(sid=active_sub.sid).status == "closed"
    assert TwilioSubaccount.objects.get(tenant=tenant, status="active").sid == own.sid


def test_a_platform_subaccount_in_use_cannot_be_replaced(
    tenant, own, owner_api, active_sub, django_capture_on_commit_callbacks
):
    number_buy(tenant=tenant, actor=Actor.system(), area_code="415")

    response = connect(owner_api, own, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "subaccount_exists"
    active_sub.refresh_from_db()
    assert active_sub.status == "active"


def test_a_suspended_own_account_cannot_be_disconnected_by_the_tenant(owner_api, connected):
    subaccount_suspend(subaccount=connected, actor=Actor.system(), reason="unpaid")
    response = owner_api.delete(URL)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "suspended"


def test_staff_see_who_is_on_their_own_account(connected, staff_client):
    rows = staff_client.get("/api/v1/staff/subaccounts?origin=connected").json()["results"]
    assert [row["sid"] for row in rows] == [connected.sid]
    assert rows[0]["billing_mode"] == "platform_fees_only"
    assert staff_client.get("/api/v1/staff/subaccounts?origin=nope").status_code == 400


def test_the_admin_lists_own_accounts_and_never_shows_the_token(client, staff_user, own, connected):
    login_verified(client, staff_user)
    listing = client.get("/admin/provisioning/twiliosubaccount/?origin__exact=connected")
    page = client.get(f"/admin/provisioning/twiliosubaccount/{connected.pk}/change/")

    assert listing.status_code == 200 and page.status_code == 200
    assert own.sid in listing.content.decode()
    assert "Platform fees only" in page.content.decode()
    for response in (listing, page):
        assert own.token not in response.content.decode()


def test_portal_members_see_no_form_and_cannot_connect(tenant, own, client):
    member = MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER)
    client.force_login(member.user)
    page = client.get("/onboarding/twilio-account/")
    assert page.status_code == 200 and "Verify and connect" not in page.content.decode()
    posted = client.post(
        "/onboarding/twilio-account/",
        {"twilio_account_sid": own.sid, "twilio_auth_token": own.token},
    )
    assert posted.status_code == 403
    assert not TwilioSubaccount.objects.filter(tenant=tenant).exists()


def test_a_token_changed_in_twilio_shows_until_the_account_is_connected_again(
    tenant, own, connected, owner_api, django_capture_on_commit_callbacks
):
    new_token = "f" * 32
    at_twilio = SandboxAccount.objects.get(sid=own.sid)
    at_twilio.auth_token = new_token
    at_twilio.save()

    subaccount_reconcile(subaccount=connected)
    error = owner_api.get(URL).json()["account"]["last_error"]
    assert error["code"] == 20003 and "connect the account again" in error["message"]

    response = connect(owner_api, own, django_capture_on_commit_callbacks, token=new_token)
    assert response.status_code == 201, response.content
    assert response.json()["account"]["last_error"] is None
    connected.refresh_from_db()
    assert connected.auth_token.reveal() == new_token
    subaccount_reconcile(subaccount=connected)
    assert owner_api.get(URL).json()["account"]["last_error"] is None


def test_the_platform_creates_no_api_key_in_a_tenants_own_account(
    tenant, own, owner_api, django_capture_on_commit_callbacks
):
    from provisioning.api_keys import migrate_api_keys, subaccounts_missing_api_keys
    from sandbox.core.models import ApiKey

    assert connect(owner_api, own, django_capture_on_commit_callbacks).status_code == 201
    sub = TwilioSubaccount.objects.get(tenant=tenant, sid=own.sid)
    assert sub not in subaccounts_missing_api_keys()
    migrate_api_keys()
    sub.refresh_from_db()
    assert sub.api_key_sid == ""
    assert not ApiKey.objects.filter(account__sid=own.sid).exists()


def test_connecting_with_an_api_key_signs_every_rest_call_with_it(
    tenant, own, owner_api, django_capture_on_commit_callbacks, caplog
):
    from sandbox.testing import authenticated_calls

    caplog.set_level(logging.DEBUG)
    key = sdk_client(own.sid, own.token).new_keys.create(friendly_name="for the platform")
    body = {
        "twilio_account_sid": own.sid,
        "twilio_auth_token": own.token,
        "twilio_api_key_sid": key.sid,
        "twilio_api_key_secret": key.secret,
    }
    with authenticated_calls() as calls, django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    sub = TwilioSubaccount.objects.get(tenant=tenant, sid=own.sid)
    assert sub.api_key_sid == key.sid and sub.api_key_secret.reveal() == key.secret
    # After the token check, the number sync (and every later REST call) signs with the key.
    synced = [c for c in calls if "IncomingPhoneNumbers" in c.operation]
    assert synced and {c.username for c in synced} == {key.sid}
    assert key.secret not in owner_api.get(URL).content.decode()
    assert key.secret not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert key.secret not in caplog.text

    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.delete(URL).status_code in (200, 204)
    sub.refresh_from_db()
    assert sub.api_key_secret is None


def test_a_refused_api_key_is_a_400_naming_it_and_nothing_is_stored(
    tenant, own, owner_api, django_capture_on_commit_callbacks
):
    key = sdk_client(own.sid, own.token).new_keys.create(friendly_name="for the platform")
    body = {
        "twilio_account_sid": own.sid,
        "twilio_auth_token": own.token,
        "twilio_api_key_sid": key.sid,
        "twilio_api_key_secret": "x" * 32,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert "twilio_api_key_secret" in response.json()["error"]["fields"]
    assert not TwilioSubaccount.objects.filter(tenant=tenant, sid=own.sid).exists()
