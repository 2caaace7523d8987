"""In Chromium: the template editor's live preview follows the typing inside a sandboxed
iframe, and a domain's DNS records can be copied."""

import os
import re

import pytest

from emails.models import EmailTemplate
from emails.tests.factories import EmailIdentityFactory
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("EMAIL_FACES_SCREENSHOTS", "")


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_template_editor_previews_as_one_types(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    sign_in(page, owner.user.username)
    page.get_by_role("link", name="Email", exact=True).click()
    page.get_by_role("link", name="Templates", exact=True).click()
    page.get_by_role("link", name="New template").click()

    page.locator("#id_name").fill("Welcome")
    page.locator("#id_subject").fill("Hi {{first_name}}")
    page.locator("#id_html").fill(
        '<h1>Hello {{first_name}}</h1><script>document.title="x"</script>'
    )
    page.locator("#id_variables").fill("first_name=Ana")
    page.locator("#preview-subject", has_text="Hi Ana").wait_for()
    frame = page.frame_locator("iframe.email-frame")
    assert frame.locator("h1").inner_text() == "Hello Ana"
    assert page.locator("iframe.email-frame").get_attribute("sandbox") == ""
    shot(page, "template-editor")

    page.get_by_role("button", name="Save").click()
    page.get_by_text("Template Welcome saved.").wait_for()
    template = EmailTemplate.objects.for_tenant(owner.tenant).get()
    assert "<script" not in template.html


def test_a_domains_records_are_shown_with_copy_buttons(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    identity = EmailIdentityFactory(tenant=owner.tenant, name="news.example.com", status="pending")
    sign_in(page, owner.user.username)
    page.goto("/email/")
    shot(page, "domains")
    page.get_by_role("link", name="news.example.com").click()

    table = page.locator("#dns-records")
    assert table.locator("tbody tr").count() >= 5
    assert f"{identity.dkim_tokens[0]}._domainkey.news.example.com" in table.inner_text()
    button = table.locator('[data-copy="value-1"]')
    button.click()
    page.wait_for_function(
        "document.querySelector('[data-copy=\"value-1\"]').textContent === 'Copied'"
    )
    shot(page, "domain")
