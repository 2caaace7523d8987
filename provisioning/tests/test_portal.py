"""Portal pages: sign-up, the onboarding checklist and the numbers page."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy
from provisioning.selectors import open_subaccount
from tenants.models import AuditEvent, BusinessProfile, Membership, Tenant
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

from .factories import PhoneNumberFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role
SIGNUP = {
    "first_name": "Sam",
    "last_name": "Shop",
    "email": "sam@shop.example",
    "password": "a-long-unusual-password-77",
    "business_name": "Sam's Shop Inc",
    "website": "shop.example",
    "business_type": "corporation",
    "industry": "retail",
    "address_city": "Austin",
    "address_country": "us",
    "contact_phone": "512 555 0147",
    "area_code": "512",
}


@pytest.fixture(autouse=True)
def fresh_signup_counts():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sign_in(client, tenant):
    def make(role=Role.OWNER, for_tenant=None) -> Membership:
        membership = MembershipFactory(tenant=for_tenant or tenant, role=role)
        client.force_login(membership.user)
        return membership

    return make


def test_sign_up_creates_the_business_signs_in_and_provisions(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("provisioning:signup"), SIGNUP)

    assert response.status_code == 302
    assert response["Location"] == reverse("provisioning:signup_sent")
    assert "_auth_user_id" not in client.session  # signed in with the password, below
    (welcome,) = mail.outbox
    assert welcome.to == ["sam@shop.example"]
    assert f"{settings.PUBLIC_BASE_URL}{reverse('login')}" in welcome.body
    user = get_user_model().objects.get(email="sam@shop.example")
    tenant = Tenant.objects.get(name="Sam's Shop Inc")
    assert Membership.objects.get(user=user, tenant=tenant).role == Role.OWNER
    profile = BusinessProfile.objects.get(tenant=tenant)
    assert profile.contact_phone == "+15125550147"
    assert profile.website == "https://shop.example"
    assert profile.owner_email == "sam@shop.example" and profile.address_country == "US"
    assert open_subaccount(tenant).status == TwilioSubaccount.Status.ACTIVE
    number = PhoneNumber.objects.for_tenant(tenant).get()
    assert number.phone_number.startswith("+1512") and number.is_primary
    assert AuditEvent.objects.filter(tenant=tenant, action="customer.signed_up").exists()

    signed_in = client.post(
        reverse("login"), {"username": "sam@shop.example", "password": SIGNUP["password"]}
    )
    assert signed_in.status_code == 302
    page = client.get(reverse("provisioning:onboarding"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-step="subaccount" data-state="done"' in html
    assert 'data-step="number" data-state="done"' in html
    assert "hx-trigger" not in html  # nothing in progress: no polling


def test_sign_up_errors_are_shown_beside_their_fields(client):
    MembershipFactory(user__email="sam@shop.example", user__username="sam@shop.example")
    response = client.post(reverse("provisioning:signup"), {**SIGNUP, "password": "123"})

    assert response.status_code == 200
    # The taken address is not named: the password error alone, as for a free address.
    assert set(response.context["form"].errors) == {"password"}
    area = client.post(reverse("provisioning:signup"), {**SIGNUP, "area_code": "5"})
    assert "area_code" in area.context["form"].errors
    assert not Tenant.objects.filter(name="Sam's Shop Inc").exists()

    phone = client.post(
        reverse("provisioning:signup"),
        {**SIGNUP, "email": "new@shop.example", "contact_phone": "12"},
    )
    assert "contact_phone" in phone.context["form"].errors
    assert not Tenant.objects.filter(name="Sam's Shop Inc").exists()
    assert not get_user_model().objects.filter(email="new@shop.example").exists()


def test_the_checklist_polls_while_provisioning_and_shows_failures(client, tenant, sign_in):
    sign_in()
    sub = TwilioSubaccount.objects.create(tenant=tenant, friendly_name="x")

    pending = client.get(reverse("provisioning:onboarding")).content.decode()
    assert 'data-step="subaccount" data-state="in_progress"' in pending
    assert 'hx-trigger="every 2s"' in pending
    partial = client.get(reverse("provisioning:onboarding"), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "checklist" in partial.content.decode()

    sub.status = TwilioSubaccount.Status.FAILED
    sub.last_error_code = 20003
    sub.last_error_message = "Twilio rejected the account credentials."
    sub.save()
    failed = client.get(reverse("provisioning:onboarding")).content.decode()
    assert 'data-state="failed"' in failed
    assert "Twilio error 20003" in failed and "Retry" in failed


def test_retry_from_the_checklist(client, tenant, sign_in, django_capture_on_commit_callbacks):
    sign_in(role=Role.ADMIN)
    TwilioSubaccount.objects.create(
        tenant=tenant, friendly_name=f"x [tenant {tenant.pk}]", status="failed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("provisioning:onboarding"))
    assert response.status_code == 302
    assert open_subaccount(tenant).status == TwilioSubaccount.Status.ACTIVE


def test_members_cant_retry(client, tenant, sign_in):
    sign_in(role=Role.MEMBER)
    assert client.post(reverse("provisioning:onboarding")).status_code == 403


def test_the_portal_says_when_messages_go_through_the_master_account(
    client, tenant, sign_in, settings
):
    sign_in(role=Role.VIEWER)
    settings.TWILIO_MASTER_FALLBACK = True
    html = client.get(reverse("provisioning:onboarding")).content.decode()
    assert 'data-sending="master"' in html and "shared account" in html
    numbers = client.get(reverse("provisioning:numbers")).content.decode()
    assert "shared account" in numbers

    settings.TWILIO_MASTER_FALLBACK = False
    html = client.get(reverse("provisioning:onboarding")).content.decode()
    assert 'data-sending="blocked"' in html


def test_search_shows_results_then_buy_confirms_the_monthly_price(
    client, tenant, active_sub, sign_in
):
    sign_in(role=Role.ADMIN)
    results = client.get(
        reverse("provisioning:numbers"), {"search": "1", "area_code": "415", "sms": "on"}
    )
    assert results.status_code == 200
    offers = results.context["offers"]
    assert offers and all(o.phone_number.startswith("+1415") for o in offers)
    chosen = offers[0].phone_number
    assert chosen in results.content.decode()
    assert not PhoneNumber.objects.for_tenant(tenant).exists()  # nothing bought by searching

    htmx = client.get(
        reverse("provisioning:numbers"),
        {"search": "1", "area_code": "415"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="search-results"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()

    confirm = client.get(
        reverse("provisioning:number_buy"), {"phone_number": chosen, "type": "local"}
    )
    assert confirm.status_code == 200
    assert 'data-price="1.15"' in confirm.content.decode()

    bought = client.post(
        reverse("provisioning:number_buy"),
        {"phone_number": chosen, "type": "local", "friendly_name": "Front desk"},
    )
    assert bought.status_code == 302
    number = PhoneNumber.objects.for_tenant(tenant).get()
    assert number.phone_number == chosen and number.is_primary

    page = client.get(reverse("provisioning:numbers")).content.decode()
    assert f'data-number="{chosen}"' in page


def test_search_by_region_shows_where_each_number_is(client, tenant, active_sub, sign_in):
    sign_in()
    results = client.get(reverse("provisioning:numbers"), {"search": "1", "region": "WA"})
    offers = results.context["offers"]
    assert offers and all(o.region == "WA" for o in offers)
    assert "Seattle, WA 98101, US" in results.content.decode()


def test_search_errors_are_shown(client, tenant, active_sub, sign_in):
    sign_in()
    response = client.get(reverse("provisioning:numbers"), {"search": "1", "area_code": "41"})
    assert "An area code has three digits." in response.content.decode()


def test_primary_and_release_pages(client, tenant, active_sub, sign_in):
    sign_in()
    first = number_buy(tenant=tenant, actor=Actor.system(), area_code="415")
    second = number_buy(tenant=tenant, actor=Actor.system(), area_code="212")

    client.post(reverse("provisioning:number_primary", args=[second.pk]))
    second.refresh_from_db()
    assert second.is_primary

    confirm = client.get(reverse("provisioning:number_release", args=[first.pk]))
    assert confirm.status_code == 200 and "can't be undone" in confirm.content.decode()
    client.post(reverse("provisioning:number_release", args=[first.pk]))
    first.refresh_from_db()
    assert first.status == PhoneNumber.Status.RELEASED


def test_members_cant_buy_or_release(client, tenant, active_sub, sign_in):
    sign_in(role=Role.MEMBER)
    number = PhoneNumberFactory(tenant=tenant)
    buy = client.post(reverse("provisioning:number_buy"), {"phone_number": "+14155550100"})
    release = client.post(reverse("provisioning:number_release", args=[number.pk]))
    assert buy.status_code == release.status_code == 403
    number.refresh_from_db()
    assert number.status == PhoneNumber.Status.ACTIVE


def test_another_tenants_number_is_a_404_in_the_portal(client, tenant, other_tenant, sign_in):
    sign_in()
    theirs = PhoneNumberFactory(tenant=other_tenant, is_primary=False)

    for name, method in [
        ("provisioning:number_primary", client.post),
        ("provisioning:number_release", client.get),
        ("provisioning:number_release", client.post),
    ]:
        assert method(reverse(name, args=[theirs.pk])).status_code == 404
    assert theirs.phone_number not in client.get(reverse("provisioning:numbers")).content.decode()
    theirs.refresh_from_db()
    assert theirs.status == PhoneNumber.Status.ACTIVE and not theirs.is_primary


def test_signed_in_people_skip_the_sign_up_page(client, sign_in):
    sign_in()
    assert client.get(reverse("provisioning:signup")).status_code == 302


def test_sign_ups_are_limited_per_address(client, settings):
    settings.SIGNUPS_PER_HOUR = 1
    client.post(reverse("provisioning:signup"), SIGNUP)
    client.logout()
    second = client.post(reverse("provisioning:signup"), {**SIGNUP, "email": "two@shop.example"})
    assert second.status_code == 429
    assert not get_user_model().objects.filter(email="two@shop.example").exists()
