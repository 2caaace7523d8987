"""The portal's widget page in Chromium: create the key, allow an origin, copy the snippet,
see the live preview in the tenant's colour, rotate the signing secret (shown once)."""

import re

import pytest

from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory
from verify.models import VerifyService
from verify.tests.factories import VerifyServiceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_sets_up_the_widget(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    VerifyServiceFactory(tenant=owner.tenant, brand_name="Acme Coffee")
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("link", name="Verification widget").click()
    page.get_by_role("button", name="Create publishable key").click()
    page.get_by_text("Your publishable key is ready").wait_for()
    key = VerifyService.objects.get(tenant=owner.tenant).publishable_key
    assert page.locator("[data-publishable-key]").inner_text() == key

    page.get_by_label("Allowed origins").fill("https://shop.example/checkout")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("has more than scheme://host[:port]").wait_for()
    page.get_by_label("Allowed origins").fill("https://Shop.Example\nhttp://localhost:8001")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Widget settings saved.").wait_for()
    service = VerifyService.objects.get(tenant=owner.tenant)
    assert service.allowed_origins == ["https://shop.example", "http://localhost:8001"]

    snippet = page.locator("[data-copy-source='snippet']").inner_text()
    assert f'data-key="{key}"' in snippet and "/static/verify/widget.js" in snippet
    page.get_by_role("button", name="Copy snippet").click()
    page.get_by_role("button", name="Copied").wait_for()

    preview = page.locator("#widget-preview")
    page.locator("#widget-preview[data-verify-widget='ready']").wait_for()
    assert preview.get_by_role("button", name="Send code").is_visible()
    page.locator("input[type=color]").evaluate(
        "el => { el.value = '#aa3300'; el.dispatchEvent(new Event('input')); }"
    )
    color = preview.locator(".card").evaluate("el => el.style.getPropertyValue('--brand')")
    assert color == "#aa3300"

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="New signing secret").click()
    page.locator("[data-secret-shown]").wait_for()
    service.refresh_from_db()
    assert service.token_secret.reveal() in page.content()
    page.reload()
    assert page.locator("[data-secret-shown]").count() == 0
