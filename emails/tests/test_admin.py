"""Staff admin of the email channel: pages open, secrets are never on them, identities can
be re-checked and (with an ESP other than SES) marked verified."""

import pytest
from django.test import Client

from emails.models import EmailIdentity
from emails.tests.factories import (
    EmailEventFactory,
    EmailIdentityFactory,
    EmailTemplateFactory,
    EspCredentialsFactory,
)
from tenants.models import AuditEvent
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user):
    client = Client()
    login_verified(client, staff_user)
    return client


def test_changelists_and_detail_pages_open_without_secrets(staff, tenant):
    identity = EmailIdentityFactory(tenant=tenant)
    template = EmailTemplateFactory(tenant=tenant)
    credentials = EspCredentialsFactory(tenant=tenant, access_key_id="AKIAADMINVIEW0001")
    event = EmailEventFactory(message__tenant=tenant)
    secrets = [
        credentials.secret_access_key.reveal(),
        *credentials.webhook_secret.reveal().split(":"),
    ]
    for url in (
        "/admin/emails/emailidentity/",
        f"/admin/emails/emailidentity/{identity.pk}/change/",
        "/admin/emails/emailtemplate/",
        f"/admin/emails/emailtemplate/{template.pk}/change/",
        "/admin/emails/espcredentials/",
        f"/admin/emails/espcredentials/{credentials.pk}/change/",
        "/admin/emails/emailevent/",
        f"/admin/emails/emailevent/{event.pk}/change/",
    ):
        response = staff.get(url)
        page = response.content.decode()
        assert response.status_code == 200, url
        for secret in secrets:
            assert secret not in page, url
        assert "AKIAADMINVIEW0001" not in page, url
    assert "AKIA…0001" in staff.get("/admin/emails/espcredentials/").content.decode()


def test_staff_mark_an_identity_verified_only_with_another_esp(staff, tenant, settings):
    identity = EmailIdentityFactory(tenant=tenant, status="not_started", esp="postmark")
    action = {"action": "mark_verified", "_selected_action": [str(identity.pk)]}

    staff.post("/admin/emails/emailidentity/", action)
    identity.refresh_from_db()
    assert identity.status == EmailIdentity.Status.NOT_STARTED  # SES verifies its own

    settings.EMAIL_ESP = "postmark"
    staff.post("/admin/emails/emailidentity/", action)
    identity.refresh_from_db()
    assert identity.status == EmailIdentity.Status.VERIFIED
    assert AuditEvent.objects.filter(
        tenant=tenant, target_id=str(identity.pk), action="email.identity.verified"
    ).exists()


def test_staff_check_an_identity_now(staff, tenant):
    identity = EmailIdentityFactory(tenant=tenant, status="pending")

    response = staff.post(
        "/admin/emails/emailidentity/",
        {"action": "check_now", "_selected_action": [str(identity.pk)]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Checking 1 identity" in response.content.decode()
