"""Sign-up answers alike whether or not an address has an account; its owner is emailed."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tenants.models import Tenant
from tenants.tests.factories import MembershipFactory

from .test_portal import SIGNUP

pytestmark = pytest.mark.django_db
PUBLIC = "https://platform.example.com"
TAKEN = "owner@shop.example"


@pytest.fixture(autouse=True)
def setup(settings):
    cache.clear()
    settings.PUBLIC_BASE_URL = PUBLIC
    MembershipFactory(user__email=TAKEN, user__username=TAKEN)


def _sign_up(email: str, django_capture_on_commit_callbacks, **overrides):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("provisioning:signup"), {**SIGNUP, "email": email, **overrides}
        )
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response, page


def _strip_csrf(html: str) -> str:
    """CSRF tokens (64 letters and digits) differ per client, CSP nonces per response."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", re.sub(r'nonce="[^"]*"', "", html))


def test_a_taken_address_gets_the_same_answer_and_its_owner_an_email(
    django_capture_on_commit_callbacks,
):
    free, free_page = _sign_up("new@shop.example", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    taken, taken_page = _sign_up(
        TAKEN.upper(), django_capture_on_commit_callbacks, business_name="Another Shop"
    )

    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert taken_page.status_code == free_page.status_code == 200
    assert _strip_csrf(taken_page.content.decode()) == _strip_csrf(free_page.content.decode())
    assert "_auth_user_id" not in taken.wsgi_request.session

    assert get_user_model().objects.filter(email__iexact=TAKEN).count() == 1
    assert not Tenant.objects.filter(name="Another Shop").exists()
    (email,) = mail.outbox
    assert email.to == [TAKEN]
    assert "already has one" in email.body
    links = re.findall(r"https?://\S+", email.body)
    assert links == [f"{PUBLIC}{reverse('login')}", f"{PUBLIC}{reverse('password_reset')}"]


@pytest.mark.parametrize(
    "field, value", [("password", "123"), ("contact_phone", "12"), ("area_code", "5")]
)
def test_invalid_input_is_reported_alike_for_taken_and_free_addresses(
    django_capture_on_commit_callbacks, field, value
):
    free, _ = _sign_up("new@shop.example", django_capture_on_commit_callbacks, **{field: value})
    taken, _ = _sign_up(TAKEN, django_capture_on_commit_callbacks, **{field: value})

    assert free.status_code == taken.status_code == 200
    assert free.context["form"].errors == taken.context["form"].errors
    assert set(taken.context["form"].errors) == {field}
    assert mail.outbox == []
