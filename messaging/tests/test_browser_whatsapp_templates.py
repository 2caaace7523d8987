"""The reply box of a WhatsApp conversation whose 24-hour window is closed, in a real browser:
it offers the approved templates, fills the variables with a live preview, and sends one."""

import re

import pytest

from messaging.models import Message
from messaging.tests.conftest import HANDSET, advance, provision_tenant
from messaging.tests.factories import ConversationFactory
from messaging.tests.test_whatsapp_templates import approved_in_sandbox
from sandbox.services import enable_whatsapp
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closed_window_reply_box_sends_an_approved_template(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    provisioned = provision_tenant(owner.tenant)
    enable_whatsapp(provisioned.number.phone_number)
    provisioned.number.whatsapp_enabled = True
    provisioned.number.save(update_fields=["whatsapp_enabled"])
    template = approved_in_sandbox(provisioned)
    conversation = ConversationFactory(
        tenant=owner.tenant,
        channel="whatsapp",
        contact_number=HANDSET,
        our_number=provisioned.number.phone_number,
    )

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(f"/conversations/{conversation.pk}/")
    page.get_by_text("The 24-hour WhatsApp window is closed").wait_for()
    assert page.locator("#reply-form textarea").count() == 0

    page.get_by_label("Approved template").select_option(str(template.pk))
    page.locator("[data-preview]").wait_for()
    assert "Hi Ana, your order #1042" in page.locator("[data-preview]").inner_text()
    page.get_by_label("Variable {{1}}").fill("Bruno")
    page.get_by_label("Variable {{2}}").fill("#77")
    page.locator("[data-preview]", has_text="Hi Bruno, your order #77").wait_for()

    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"**/conversations/{conversation.pk}/")
    bubble = page.locator(".bubble.outbound", has_text="Hi Bruno, your order #77 has shipped")
    bubble.wait_for()
    assert "Template · order_update" in bubble.inner_text()
    sent = Message.objects.get(origin="reply")
    assert sent.template_id == template.pk and sent.sid
    advance(5, rounds=4)
    sent.refresh_from_db()
    assert sent.status in ("delivered", "read")
    page.locator(".bubble.outbound .badge-" + sent.status).wait_for()
