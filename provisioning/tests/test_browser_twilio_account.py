"""The portal flow of bringing your own Twilio account, in a real browser."""

import re

import pytest

from provisioning.models import PhoneNumber, TwilioSubaccount
from sandbox.services import create_standalone_account
from sandbox.testing import sdk_client
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_own_twilio_account_from_onboarding_then_disconnect(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    own = create_standalone_account("Bakery's Twilio")
    token = own.auth_token.reveal()
    client = sdk_client(own.sid, token)
    offer = client.available_phone_numbers("US").toll_free.list(limit=1)[0]
    client.incoming_phone_numbers.create(phone_number=offer.phone_number)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/onboarding/")
    page.get_by_role("link", name="I already have a Twilio account").click()
    page.wait_for_url("**/onboarding/twilio-account/")

    page.get_by_label("Account SID").fill(own.sid)
    page.get_by_label("Auth token").fill("0" * 32)
    page.get_by_role("button", name="Verify and connect").click()
    page.get_by_text("Twilio refused these credentials").wait_for()
    assert page.get_by_label("Auth token").input_value() == ""

    page.get_by_label("Auth token").fill(token)
    page.get_by_role("button", name="Verify and connect").click()
    page.locator("[data-twilio-account='active']").wait_for()
    assert own.sid in page.content() and token not in page.content()
    assert "Platform fees only" in page.content()
    sub = TwilioSubaccount.objects.get(tenant=owner.tenant, status="active")
    assert sub.is_connected
    assert PhoneNumber.objects.filter(subaccount=sub, phone_number=offer.phone_number).exists()

    page.goto("/onboarding/")
    page.locator("[data-step='subaccount'][data-state='done']").wait_for()
    assert page.get_by_role("link", name="I already have a Twilio account").count() == 0

    page.goto("/onboarding/twilio-account/")
    page.get_by_role("button", name="Disconnect").click()
    page.get_by_text("Nothing was changed in your Twilio account").wait_for()
    page.get_by_role("button", name="Verify and connect").wait_for()
    sub.refresh_from_db()
    assert sub.status == "closed"
