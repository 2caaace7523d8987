"""The analytics page draws its charts in a real browser (the vendored Chart.js)."""

import datetime as dt
import re

import pytest

from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory
from verify.rollups import rollups_rebuild
from verify.tests.analytics_seed import DAY, seed_known_set

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_analytics_page_renders_its_four_charts(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    seed_known_set(owner.tenant)
    rollups_rebuild([DAY, DAY + dt.timedelta(days=1)])
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(owner.user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="Verify analytics").click()
    page.wait_for_url("**/verify/analytics/")
    page.get_by_label("From", exact=True).fill("2026-11-10")
    page.get_by_label("To", exact=True).fill("2026-11-11")
    page.get_by_role("button", name="Show").click()

    page.locator("canvas[data-rendered='true']").nth(3).wait_for()
    assert page.locator("canvas[data-rendered='true']").count() == 4
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 4
    assert page.locator("[data-figure='attempts']").inner_text() == "14"
    assert page.get_by_role("cell", name="WhatsApp").is_visible()
    assert errors == []
