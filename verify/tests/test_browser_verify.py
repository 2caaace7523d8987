"""The portal's Verification flow in a real browser: switch Verify on, send a test code, read
it on the sandbox's handset simulator, check it, and find the attempt in the log."""

import re

import pytest

from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory
from verify.tests.conftest import provision_subaccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HANDSET = "+14155550190"


def test_enable_send_read_on_the_handset_check_and_see_the_log(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    provision_subaccount(owner.tenant)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Verification", exact=True).click()
    page.wait_for_url("**/verify/")

    page.get_by_label("Brand name").fill("Bean There")
    page.get_by_role("button", name="Switch Verify on").click()
    page.get_by_text("Verify is switched on").wait_for()
    page.get_by_role("button", name="Send code").wait_for()

    page.get_by_label("Send to").fill(HANDSET)
    page.get_by_role("button", name="Send code").click()
    page.get_by_text(f"Code sent by SMS to {HANDSET}").wait_for()
    portal = page.url

    page.goto(f"/sandbox/handset/?number={HANDSET.replace('+', '%2B')}")
    message = page.get_by_text(re.compile(r"Your Bean There verification code is: \d+"))
    message.first.wait_for()
    code = re.search(r"code is: (\d+)", message.first.inner_text()).group(1)

    page.goto(portal.replace("/verify/test/", "/verify/"))
    page.get_by_label("Send to").fill(HANDSET)
    page.get_by_role("button", name="Send code").click()  # a resend: the same code
    page.get_by_label("Code received").fill(code)
    page.get_by_role("button", name="Check code").click()
    page.locator("#test-result").get_by_text("Correct code").wait_for()
    assert "Verified" in page.locator("#test-result").inner_text()

    page.get_by_role("link", name="Verification log").click()
    page.wait_for_url("**/verify/attempts/")
    row = page.locator("tbody tr", has_text=HANDSET)
    assert row.count() == 1
    assert "Verified" in row.inner_text() and "2 sends" in row.inner_text()
    page.get_by_label("Status").select_option("failed")
    page.get_by_role("button", name="Filter").click()
    page.get_by_text("No verifications match these filters.").wait_for()
