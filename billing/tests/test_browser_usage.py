"""In Chromium: the usage page draws its charts (the vendored Chart.js) from the synced
usage, and a statement's printable view prints without the portal around it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from billing import periods
from billing.tests.factories import (
    PlanRateFactory,
    PricePlanFactory,
    PriceTierFactory,
    StatementFactory,
    StatementLineFactory,
    TenantPlanFactory,
    UsageRecordFactory,
)
from tenants.models import Membership
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def chart(page, canvas_id: str, expression: str):
    return page.evaluate(
        f"() => {{ const c = Chart.getChart(document.getElementById('{canvas_id}')); "
        f"return {expression}; }}"
    )


def test_the_usage_page_draws_charges_volume_and_the_breakdown(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    tenant = owner.tenant
    plan = PricePlanFactory(monthly_fee=Decimal("49.00"), markup_percent=Decimal(30))
    rate = PlanRateFactory(plan=plan, category="sms-outbound", included_units=5)
    PriceTierFactory(rate=rate, up_to=None, unit_price=Decimal("0.01000"))
    TenantPlanFactory(tenant=tenant, plan=plan)
    UsageRecordFactory(tenant=tenant, count=20, usage=Decimal(20), price=Decimal("0.158"))
    UsageRecordFactory(
        tenant=tenant, category="channels-whatsapp-outbound", count=4, usage=Decimal(4),
        price=Decimal("0.02"),
    )  # fmt: skip
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    sign_in(page, owner.user)
    page.get_by_role("link", name="Usage", exact=True).click()
    page.wait_for_url("**/usage/")
    page.locator("canvas[data-rendered='true']").nth(2).wait_for()

    assert page.locator("canvas[data-rendered='true']").count() == 3
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 3
    today = periods.today().isoformat()
    day = chart(page, "chart-volume", f"c.data.labels.indexOf('{today}')")
    assert day >= 0
    assert chart(page, "chart-volume", "c.data.datasets.length") == 2
    assert chart(page, "chart-volume", "c.data.datasets.map(d => d.label)") == [
        "Outbound SMS", "Outbound WhatsApp",
    ]  # fmt: skip
    assert chart(page, "chart-volume", f"c.data.datasets[0].data[{day}]") == 20
    assert chart(page, "chart-volume", f"c.data.datasets[1].data[{day}]") == 4
    # 15 SMS past the 5 included at 0.01; WhatsApp at cost plus the plan's 30%.
    assert chart(page, "chart-spend", f"c.data.datasets[0].data[{day}]") == 0.15
    assert chart(page, "chart-spend", f"c.data.datasets[1].data[{day}]") == 0.03
    assert chart(page, "chart-breakdown", "c.data.datasets[0].data") == [0.15, 0.03]
    assert chart(page, "chart-spend", "c.config.type") == "bar"
    assert chart(page, "chart-breakdown", "c.config.type") == "doughnut"
    expect(page.locator("[data-figure='charge']")).to_have_text("49.18 USD")
    expect(page.locator("[data-figure='forecast']")).to_be_visible()

    page.get_by_label("From", exact=True).fill("2026-11-12")
    page.get_by_label("To", exact=True).fill("2026-11-11")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#usage-range .alert-error")).to_contain_text("From is after To")
    assert errors == []


def test_a_statements_printable_view_prints_without_the_portal(page):
    owner = MembershipFactory(role=Membership.Role.VIEWER)
    statement = StatementFactory(tenant=owner.tenant, number="ST-2026-11-0007")
    StatementLineFactory(statement=statement, description="Outbound SMS", position=1)
    StatementLineFactory(
        statement=statement, kind="fee", category="", description="Growth monthly fee",
        position=2, units=0, amount=Decimal("29.00000"),
    )  # fmt: skip

    sign_in(page, owner.user)
    page.goto("/usage/statements/")
    page.get_by_role("link", name="ST-2026-11-0007").click()
    page.wait_for_url(f"**/usage/statements/{statement.pk}/")
    page.emulate_media(media="print")
    expect(page.locator("nav.sidebar")).to_be_hidden()
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.locator("#statement-lines")).to_be_visible()
    page.emulate_media(media="screen")

    page.locator("#print-view").click()
    page.wait_for_url(f"**/usage/statements/{statement.pk}/print/")
    lines = page.locator("#statement-lines tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("Outbound SMS")
    expect(lines.nth(0)).to_contain_text("10.00 USD")
    expect(lines.nth(1)).to_contain_text("Growth monthly fee")
    expect(page.locator("[data-figure='total']")).to_have_text("39.00 USD")
    assert page.locator("nav.sidebar").count() == 0
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert "margin" not in page.content().lower()

    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("[data-figure='total']")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Statement ST-2026-11-0007")
