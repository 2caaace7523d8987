"""Connect WhatsApp in a real browser: the simulated Meta signup, the number and profile, a
wrong verification code, the code read in the handset simulator, then ONLINE."""

import re

import pytest

from compliance.tests.conftest import provision_tenant
from sandbox import clock
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory
from whatsapp.models import WhatsAppSender
from whatsapp.services import poll_sender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def step(sender_id) -> None:
    """Let the sandbox's clock run and the beat's poll reach the sender."""
    clock.advance(6)
    poll_sender(str(sender_id), force=True)


def test_connect_whatsapp_to_online_with_a_wrong_code_first(page):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    number = provision_tenant(membership.tenant).number.phone_number
    sign_in(page, membership.user.username)

    page.get_by_role("link", name="WhatsApp", exact=True).click()
    page.get_by_role("link", name="Connect WhatsApp").first.click()
    page.get_by_label("Business name in Meta").fill("Acme Coffee")
    page.get_by_role("button", name="Create the WhatsApp Business Account").click()
    page.wait_for_url("**/whatsapp/connect/details/")

    page.get_by_label("Number").select_option(label=number)
    page.get_by_label("Display name").fill("Acme WhatsApp Coffee")
    page.get_by_role("button", name="Register with WhatsApp").click()
    page.get_by_text('may not contain "WhatsApp"').wait_for()
    page.get_by_label("Display name").fill("Acme Coffee")
    page.get_by_label("About").fill("Fresh coffee, every day.")
    page.get_by_role("button", name="Register with WhatsApp").click()
    page.wait_for_url(re.compile(r"/whatsapp/[0-9a-f-]{36}/$"))
    sender = WhatsAppSender.objects.get(tenant=membership.tenant)

    step(sender.pk)
    page.get_by_label("Verification code").wait_for()
    page.get_by_label("Verification code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    page.get_by_test_id("sender-error").wait_for()
    assert "does not match" in page.get_by_test_id("sender-error").inner_text()
    assert "Code refused" in page.get_by_test_id("timeline").inner_text()

    handset = page.context.new_page()
    handset.goto(f"/sandbox/handset/?number={number}")
    text = handset.get_by_text("Your WhatsApp Business code").inner_text()
    code = re.search(r"(\d{3})-(\d{3})", text)
    handset.close()
    page.get_by_label("Verification code").fill(code.group(1) + code.group(2))
    page.get_by_role("button", name="Verify").click()
    page.get_by_test_id("sender-status").get_by_text("Checking the code").wait_for()

    step(sender.pk)
    page.get_by_test_id("sender-status").get_by_text("Online").wait_for(timeout=10_000)
    assert page.get_by_test_id("quality").inner_text() == "HIGH"
    assert page.get_by_test_id("limit").inner_text() == "250 Customers/24hr"
    page.goto("/whatsapp/")
    assert number in page.content() and "Online" in page.content()
