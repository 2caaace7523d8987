"""The tenant's full data export: its content (every table, no secret), its download
(authenticated, tenant-scoped, expiring), the API and the portal page."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.tests.factories import ContactFactory
from emails.tests.factories import EspCredentialsFactory
from messaging.tests.factories import MessageFactory
from privacy.models import DataExport
from privacy.services import exports_expire
from provisioning.tests.factories import SubaccountFactory
from tenants.models import Membership
from tenants.tests.factories import make_api_key
from webhooks.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def request_export(client, on_commit):
    response = on_commit(client.post, "/api/v1/privacy/exports", format="json")
    assert response.status_code == 202, response.content
    return response.json()


def zip_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_export_holds_every_table_and_no_secret(tenant, other_tenant, owner_api, on_commit):
    MessageFactory(tenant=tenant, body="Table for two at eight")
    MessageFactory(tenant=other_tenant, body="Someone else's message")
    ContactFactory(tenant=tenant, first_name="Ana")
    EndpointFactory(tenant=tenant)
    EspCredentialsFactory(tenant=tenant, secret_access_key="ses-secret-do-not-export")
    sub = SubaccountFactory(tenant=tenant, auth_token="tok-secret-do-not-export-0123")
    _, plain_key = make_api_key(tenant)

    body = request_export(owner_api, on_commit)
    assert body["status"] == "pending"
    export = owner_api.get(f"/api/v1/privacy/exports/{body['id']}").json()
    assert export["status"] == "ready" and export["progress"] == 100
    assert export["download_url"].endswith("/download")
    response = owner_api.get(export["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zip_of(response)
    names = set(archive.namelist())
    for table in (
        "tenants.tenant",
        "users",
        "tenants.auditevent",
        "messaging.message",
        "contacts.contact",
        "messaging.consentevent",
        "webhooks.webhookendpoint",
        "emails.espcredentials",
        "provisioning.phonenumber",
        "broadcasts.broadcast",
        "verify.verificationattempt",
        "billing.statement",
    ):
        assert f"{table}.jsonl" in names, table
    text = "\n".join(archive.read(name).decode() for name in names)
    assert "Table for two at eight" in text and "Someone else's message" not in text
    users = [json.loads(line) for line in archive.read("users.jsonl").decode().splitlines()]
    assert users and all("password" not in user for user in users)
    for secret in (
        "whsec_test_secret_0123456789",
        "ses-secret-do-not-export",
        sub.auth_token.reveal(),
        plain_key,
        "pbkdf2_",
        "argon2",
        '"v1:',
        "hashed_key",
    ):
        assert secret not in text, secret
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tables"]["messaging.message"] == 1


def test_only_the_tenants_managers_download_and_only_until_it_expires(
    tenant, other_tenant, member_client, on_commit
):
    owner = member_client(role=Membership.Role.OWNER)
    body = request_export(owner, on_commit)
    url = f"/api/v1/privacy/exports/{body['id']}/download"
    stranger = member_client(role=Membership.Role.OWNER, for_tenant=other_tenant)
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"/api/v1/privacy/exports/{body['id']}").status_code == 404
    assert member_client(role=Membership.Role.VIEWER).get(url).status_code == 403
    assert owner.get(url).status_code == 200

    DataExport.objects.filter(pk=body["id"]).update(expires_at=timezone.now() - timedelta(1))
    assert owner.get(url).status_code == 404
    assert exports_expire() == 1
    export = DataExport.objects.get(pk=body["id"])
    assert (export.status, export.file.name) == ("expired", "")


def test_the_portal_page_requests_shows_and_downloads_an_export(
    tenant, other_tenant, client, on_commit
):
    from tenants.tests.factories import MembershipFactory

    membership = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER)
    client.force_login(membership.user)
    assert client.get("/settings/privacy/").status_code == 200
    response = on_commit(client.post, "/settings/privacy/exports/")
    assert response.status_code == 302
    export = DataExport.objects.for_tenant(tenant).get()
    page = client.get("/settings/privacy/?partial=exports").content.decode()
    assert f"/settings/privacy/exports/{export.pk}/download" in page
    download = client.get(f"/settings/privacy/exports/{export.pk}/download")
    assert download.status_code == 200
    assert "tenants.tenant.jsonl" in zip_of(download).namelist()
    theirs = DataExport.objects.create(tenant=other_tenant)
    assert client.get(f"/settings/privacy/exports/{theirs.pk}/download").status_code == 404


def test_viewers_and_members_are_refused_the_page(tenant, client):
    from tenants.tests.factories import MembershipFactory

    for role in (Membership.Role.VIEWER, Membership.Role.MEMBER):
        membership = MembershipFactory(tenant=tenant, role=role)
        client.force_login(membership.user)
        assert client.get("/settings/privacy/").status_code == 403
