"""The email API over the real path (boto3 → the local SES in sandbox/aws): a domain added
through the API gets its DKIM records and verifies on "check now", the tenant's own SES keys
are checked with a real call, and an email sent through POST /api/v1/messages shows its
ESP events."""

import pytest
from django.conf import settings
from django.test import Client

from emails.models import EmailIdentity, EspCredentials
from messaging.models import Message, Status
from sandbox import clock
from sandbox.aws.services import account_create
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_api(member_client):
    return member_client(role=Membership.Role.OWNER)


def test_a_domain_added_through_the_api_verifies_on_check_now(
    owner_api, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = owner_api.post("/api/v1/email/identities", {"name": "news.acme.test"})
    assert created.status_code == 201, created.content
    identity_id = created.json()["id"]

    pending = owner_api.get(f"/api/v1/email/identities/{identity_id}").json()
    assert pending["status"] == "pending"
    cnames = [r for r in pending["dns_records"] if r["type"] == "CNAME"]
    assert len(cnames) == 3
    assert all(r["name"].endswith("._domainkey.news.acme.test") for r in cnames)

    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        checked = owner_api.post(f"/api/v1/email/identities/{identity_id}/check")
    assert checked.status_code == 202

    identity = EmailIdentity.objects.for_tenant(tenant).get(pk=identity_id)
    assert identity.status == EmailIdentity.Status.VERIFIED
    assert owner_api.get(f"/api/v1/email/identities/{identity_id}").json()["status"] == "verified"


def test_own_ses_keys_are_checked_and_the_tracking_url_shown_once(
    owner_api, tenant, django_capture_on_commit_callbacks
):
    key_id, secret = account_create("tenant's own account")

    with django_capture_on_commit_callbacks(execute=True):
        saved = owner_api.put(
            "/api/v1/email/credentials",
            {"access_key_id": key_id, "secret_access_key": secret, "region": "us-east-1"},
            format="json",
        )

    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (
        body["tracking_url"].startswith("http")
        and "/anymail/amazon_ses/tracking/" in (body["tracking_url"])
    )
    assert secret not in saved.content.decode()
    assert body["access_key_id"] == f"{key_id[:4]}…{key_id[-4:]}"
    again = owner_api.get("/api/v1/email/credentials")
    assert again.json()["own_credentials"] is True
    assert "tracking_url" not in again.json()["credentials"]
    assert secret not in again.content.decode()
    stored = EspCredentials.objects.for_tenant(tenant).get()
    assert stored.secret_access_key.reveal() == secret

    assert owner_api.delete("/api/v1/email/credentials").status_code == 204
    assert not EspCredentials.objects.for_tenant(tenant).exists()


def test_keys_the_ses_refuses_are_a_400(owner_api, tenant):
    key_id, _ = account_create("refused")

    response = owner_api.put(
        "/api/v1/email/credentials",
        {"access_key_id": key_id, "secret_access_key": "wrong-secret", "region": "us-east-1"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]
    assert not EspCredentials.objects.for_tenant(tenant).exists()


def test_an_email_sent_through_the_api_shows_its_events(
    owner_api, tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        identity_id = owner_api.post("/api/v1/email/identities", {"name": "news.acme.test"}).json()[
            "id"
        ]
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/v1/email/identities/{identity_id}/check")

    with django_capture_on_commit_callbacks(execute=True):
        sent = owner_api.post(
            "/api/v1/messages",
            {"channel": "email", "to": "success@simulator.amazonses.com",
             "from": "hello@news.acme.test", "subject": "Receipt", "html": "<p>Thanks</p>"},
            format="json",
        )  # fmt: skip
    assert sent.status_code == 201, sent.content
    message = Message.objects.for_tenant(tenant).get(pk=sent.json()["id"])
    assert message.status == Status.SENT and message.esp_message_id

    with django_capture_on_commit_callbacks(execute=True):
        clock.advance(5)
    detail = owner_api.get(f"/api/v1/messages/{message.pk}").json()
    assert detail["status"] == "delivered"
    assert "Delivered to the mailbox" in [e["label"] for e in detail["email_events"]]


def test_the_credentials_page_shows_the_tracking_url_once(
    tenant, django_capture_on_commit_callbacks
):
    membership = MembershipFactory(tenant=tenant, role=Membership.Role.ADMIN)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    key_id, secret = account_create("portal account")

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            "/email/credentials/",
            {"access_key_id": key_id, "secret_access_key": secret, "region": "us-east-1"},
        )
    first = client.get("/email/credentials/").content.decode()
    second = client.get("/email/credentials/").content.decode()

    assert saved.status_code == 302
    assert 'id="tracking-url"' in first and "/anymail/amazon_ses/tracking/" in first
    assert 'id="tracking-url"' not in second
    assert secret not in first and secret not in second
    assert f"{key_id[:4]}…{key_id[-4:]}" in second
