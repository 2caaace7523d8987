"""The portal flow of a WhatsApp template in a real browser: authored with the live preview
and the lint, submitted, and seen approved by WhatsApp's review (on the sandbox clock)."""

import re

import pytest

from compliance.tests.conftest import provision_tenant
from content.models import MessageTemplate
from sandbox import clock
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_author_submit_and_see_a_template_approved(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    provision_tenant(owner.tenant)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="WhatsApp templates").click()
    page.get_by_role("link", name="New template").click()

    page.get_by_label("Name").fill("order_update")
    page.get_by_label("Type").select_option("twilio/quick-reply")
    page.get_by_label("Body").fill("{{1}}, your order {{2}} has shipped.")
    lint = page.get_by_test_id("lint")
    lint.get_by_text("The body cannot start or end with a variable.").wait_for()
    lint.get_by_text("This type needs at least one button.").wait_for()

    page.get_by_label("Body").fill("Hello {{1}}, your order {{2}} has shipped and arrives soon.")
    page.get_by_label("Sample values").fill("Ana\nA-1042")
    page.get_by_label("Buttons").fill("Track it | track")
    bubble = page.get_by_test_id("wa-bubble")
    bubble.get_by_text("Hello Ana, your order A-1042 has shipped and arrives soon.").wait_for()
    page.get_by_text("Passes WhatsApp's format rules").wait_for()
    assert page.locator(".wa-button", has_text="Track it").count() == 1

    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Template saved as a draft.").wait_for()
    page.get_by_role("button", name="Submit to WhatsApp").click()
    page.get_by_text("Sent to WhatsApp for approval.").wait_for()
    template = MessageTemplate.objects.get(tenant=owner.tenant)
    assert template.status == "received" and template.content_sid.startswith("HX")
    assert page.locator(".badge", has_text="Received by WhatsApp").count() == 1

    clock.advance(60)
    page.get_by_role("button", name="Check status now").click()
    page.get_by_text("Checking the status with Twilio").wait_for()
    page.locator(".page-header .badge", has_text="Approved").wait_for()
    timeline = page.get_by_test_id("timeline")
    assert timeline.get_by_text("Status changed").count() == 2
    assert "read-only" in page.content()
    assert page.get_by_role("button", name="Duplicate as new version").count() == 1
