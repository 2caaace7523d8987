"""Inviting a person who never signed in again sends the invitation again."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tenants.models import AuditEvent, Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def owner_client(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Role.OWNER).user)
    return client


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_reinviting_a_pending_member_resends_the_invitation(owner_client, tenant, settings):
    settings.PUBLIC_BASE_URL = "https://portal.example.com"
    invite = {"email": "new@example.com", "role": "member"}
    owner_client.post(reverse("portal:team"), invite)
    again = owner_client.post(reverse("portal:team"), {**invite, "email": "New@Example.com"})

    assert again.status_code == 302
    page = owner_client.get(again["Location"]).content.decode()
    assert "Invitation sent again to new@example.com" in page
    assert "already a member" not in page
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["new@example.com"]
    for url in links(mail.outbox[1].body):
        assert url.startswith("https://portal.example.com/"), url
    assert any("/password-reset/" in url for url in links(mail.outbox[1].body))
    assert Membership.objects.for_tenant(tenant).filter(user__email="new@example.com").count() == 1
    assert AuditEvent.objects.for_tenant(tenant).filter(action="member.invitation_resent").exists()


def test_invitation_links_use_the_public_base_url_not_the_request_host(owner_client, settings):
    settings.PUBLIC_BASE_URL = "https://portal.example.com"
    owner_client.post(
        reverse("portal:team"), {"email": "x@example.com", "role": "member"}, HTTP_HOST="testserver"
    )
    urls = links(mail.outbox[0].body)
    assert urls and all(url.startswith("https://portal.example.com/") for url in urls)


def test_inviting_someone_who_already_signed_in_still_says_already_a_member(owner_client, tenant):
    member = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    response = owner_client.post(
        reverse("portal:team"), {"email": member.user.email, "role": "member"}
    )
    assert response.context["invite_form"].errors == {"email": ["This person is already a member."]}
    assert mail.outbox == []


def test_an_admin_cannot_resend_an_owner_invitation(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Role.ADMIN).user)
    pending = MembershipFactory(tenant=tenant, role=Role.OWNER)
    pending.user.set_unusable_password()
    pending.user.save()
    response = client.post(reverse("portal:team"), {"email": pending.user.email, "role": "admin"})
    assert response.status_code == 403
    assert mail.outbox == []
