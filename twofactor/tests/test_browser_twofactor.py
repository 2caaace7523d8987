"""Two-factor sign-in in Chromium: enrol with the app's code, sign in with a TOTP code and
with a recovery code (which then no longer works), and staff forced to enrol before the
admin. Codes are computed from the device's key, as an authenticator app does."""

import re

import pytest

from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from twofactor import selectors
from twofactor.qr import manual_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str, path: str = "/accounts/login/") -> None:
    page.goto(path)
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.context.clear_cookies()


def enrol(page, user) -> list[str]:
    """On the enrolment page: read the secret shown, enter the app's code, keep the codes."""
    page.get_by_test_id("totp-qr").locator("svg").wait_for()
    shown = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    device = selectors.totp_device_for(user, confirmed=False)
    assert shown == manual_secret(device).replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill(selectors.totp_current_code(device))
    page.get_by_role("button", name="Switch on two-factor sign-in").click()
    page.get_by_text("they are shown only this once").wait_for()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_role("link", name="Download").get_attribute("download")
    assert page.get_by_role("button", name="Print").is_visible()
    return codes


def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code_once(page):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    user = membership.user
    password_step(page, user.username)
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Two-factor sign-in").first.click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    codes = enrol(page, user)
    page.get_by_role("link", name="I saved them, continue").click()
    page.goto("/settings/two-factor/")
    assert page.get_by_test_id("twofactor-status").inner_text() == "On"

    sign_out(page)
    password_step(page, user.username)
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    device = selectors.totp_device_for(user)
    page.get_by_label("Authentication code").fill(
        selectors.totp_current_code(device, steps_ahead=1)
    )
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text() == membership.tenant.name

    for attempt in ("first", "again"):
        sign_out(page)
        password_step(page, user.username)
        page.wait_for_url(re.compile(r"/accounts/two-factor/"))
        page.get_by_label("Authentication code").fill(codes[0])
        page.get_by_role("button", name="Verify").click()
        if attempt == "first":
            page.get_by_text("You signed in with a recovery code; 9 left.").wait_for()
        else:
            page.get_by_text("That code is not right.").wait_for()
            assert "/accounts/two-factor/" in page.url


def test_staff_must_enrol_before_reaching_the_admin(page):
    staff = UserFactory(is_staff=True, is_superuser=True)
    page.goto("/admin/")
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/settings/two-factor/enrol/"))
    page.get_by_text("Two-factor sign-in is required for staff.").wait_for()
    enrol(page, staff)
    page.get_by_role("link", name="I saved them, continue").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Users").first.wait_for()
