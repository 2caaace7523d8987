import re

import pytest

from tenants.models import BusinessProfile, Membership
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
