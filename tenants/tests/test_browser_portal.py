import re
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.tests.factories import MessageFactory
from tenants.models import BusinessProfile, Membership
from tenants.services import Actor, record_audit
from tenants.tests.factories import TEST_PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_business_profile_phone_error_then_saved(page):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    sign_in(page, membership.user.username)
    assert page.get_by_role("heading", level=1).inner_text() == membership.tenant.name

    page.get_by_role("link", name="Business profile").click()
    page.wait_for_url("**/profile/")
    phone = page.locator("#id_contact_phone")
    phone.fill("12345")
    page.get_by_role("button", name="Save profile").click()

    field = page.locator(".field", has=phone)
    error = field.locator(".field-errors")
    error.wait_for()
    assert error.inner_text() == "This is not a valid phone number."
    assert phone.input_value() == "12345"
    assert "has-error" in (field.get_attribute("class") or "")

    phone.fill("+14155550123")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Business profile saved.").wait_for()
    assert page.locator(".field-errors").count() == 0
    assert page.locator("#id_contact_phone").input_value() == "+14155550123"

    profile = BusinessProfile.objects.for_tenant(membership.tenant).get()
    assert profile.contact_phone == "+14155550123"


def test_role_change_inline_with_htmx(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    member = MembershipFactory(tenant=owner.tenant, role=Membership.Role.MEMBER)
    sign_in(page, owner.user.username)
    page.goto("/team/")
    page.locator(f"#role-{member.pk}").select_option("viewer")
    page.locator(f"#member-{member.pk} .saved-flash").wait_for()
    assert page.url.endswith("/team/")
    member.refresh_from_db()
    assert member.role == Membership.Role.VIEWER


def test_dashboard_chart_and_audit_log_filtering(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    tenant = owner.tenant
    for days_ago in (0, 0, 3):
        at = timezone.now() - timedelta(days=days_ago)
        MessageFactory(tenant=tenant, created_at=at, price="0.0079", price_unit="USD")
    record_audit(tenant=tenant, actor=Actor.system(), action="api_key.created")
    record_audit(tenant=tenant, actor=Actor.system(), action="member.invited")

    sign_in(page, owner.user.username)
    chart = page.locator("svg[data-chart='volume']")
    chart.wait_for()
    assert chart.bounding_box()["height"] > 100
    assert page.locator("svg[data-chart='volume'] .bar").count() == 30
    today = page.locator(f"svg[data-chart='volume'] .bar[data-day='{timezone.localdate()}'] rect")
    assert today.first.bounding_box()["height"] > 0
    assert page.locator("[data-figure='outbound']").inner_text() == "3"

    page.get_by_role("link", name="Audit log").first.click()
    page.wait_for_url("**/audit/")
    page.get_by_label("What").select_option(label="Invited a team member")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit/?*action=member.invited*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    assert "Invited a team member" in rows.first.inner_text()

    page.get_by_label("Search").fill("API key")
    page.get_by_label("What").select_option("")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=API+key*")
    assert "Created an API key" in page.locator("table tbody").inner_text()
    assert "Invited a team member" not in page.locator("table tbody").inner_text()


def test_the_number_search_fields_sit_on_one_row(page):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    sign_in(page, owner.user.username)
    page.goto("/numbers/")
    form = page.locator(".search-form form")
    tops = [
        form.locator(selector).bounding_box()["y"]
        for selector in (
            "#id_country",
            "#id_type",
            "#id_area_code",
            "#id_contains",
            "#id_region",
            "#id_postal_code",
            "#id_voice",
        )
    ]
    button = form.get_by_role("button", name="Search").bounding_box()
    assert max(tops) - min(tops) < 20, tops
    assert abs(button["y"] - tops[0]) < 20, (button, tops)
