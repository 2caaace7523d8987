"""Links in emails come from PUBLIC_BASE_URL, never from the Host header a request forged."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tenants.models import Membership
from tenants.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PUBLIC = "https://platform.example.com"
EVIL = "evil.example.com"


@pytest.fixture(autouse=True)
def public_base_url(settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["*"]  # the old default: the Host header alone must not matter


def _links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_a_reset_requested_with_a_foreign_host_links_to_the_platform(client):
    victim = UserFactory(email="victim@shop.example")
    response = client.post(
        reverse("password_reset"), {"email": victim.email}, HTTP_HOST=EVIL, secure=False
    )
    assert response.status_code == 302

    (email,) = mail.outbox
    assert EVIL not in email.body
    (link,) = _links(email.body)
    assert link.startswith(f"{PUBLIC}/accounts/password-reset/")
    assert client.get(link.removeprefix(PUBLIC), follow=True).status_code == 200


def test_an_invitation_sent_through_a_foreign_host_links_to_the_platform(client, tenant):
    owner = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user
    client.force_login(owner)
    client.post(
        reverse("portal:team"), {"email": "new@shop.example", "role": "member"}, HTTP_HOST=EVIL
    )

    (email,) = mail.outbox
    assert EVIL not in email.body
    links = _links(email.body)
    assert links and all(link.startswith(f"{PUBLIC}/accounts/") for link in links)
