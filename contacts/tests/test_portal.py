"""Portal pages of the contact book render and act through the services: contacts, the
import wizard end to end, audiences with the live count; other tenants' objects are 404s."""

import io

import pytest
from django.test import Client

from contacts.models import Audience, AudienceMember, Contact, ContactImport, FieldType
from contacts.tests.conftest import csv_text
from contacts.tests.factories import (
    AudienceFactory,
    ContactFactory,
    ContactFieldFactory,
    ContactImportFactory,
)
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(tenant):
    def make(role=Membership.Role.OWNER):
        membership = MembershipFactory(tenant=tenant, role=role)
        client = Client()
        client.force_login(membership.user)
        session = client.session
        session["tenant_id"] = tenant.pk
        session.save()
        return client

    return make


def test_pages_render(portal, tenant):
    client = portal()
    contact = ContactFactory(tenant=tenant, first_name="Ana", tags=",vip,")
    audience = AudienceFactory(tenant=tenant, kind=Audience.Kind.STATIC)
    job = ContactImportFactory(tenant=tenant, status=ContactImport.Status.RUNNING)
    for url in [
        "/contacts/", "/contacts/?q=ana&tag=vip", "/contacts/new/", f"/contacts/{contact.pk}/",
        "/contacts/fields/", "/contacts/import/", f"/contacts/import/{job.pk}/progress/",
        f"/contacts/import/{job.pk}/progress/?partial=1", "/audiences/", "/audiences/new/",
        f"/audiences/{audience.pk}/",
    ]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
    nav = client.get("/contacts/").content.decode()
    assert 'href="/contacts/"' in nav and "Ana" in nav and 'href="/audiences/"' in nav
    progress = client.get(f"/contacts/import/{job.pk}/progress/").content.decode()
    assert 'hx-trigger="every 2s"' in progress


def test_other_tenants_objects_are_404(portal, other_tenant):
    client = portal()
    contact = ContactFactory(tenant=other_tenant)
    audience = AudienceFactory(tenant=other_tenant)
    job = ContactImportFactory(tenant=other_tenant)
    urls = [f"/contacts/{contact.pk}/", f"/audiences/{audience.pk}/"]
    urls += [f"/contacts/import/{job.pk}/", f"/contacts/import/{job.pk}/errors.csv"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/contacts/{contact.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_create_and_edit_a_contact(portal, tenant):
    client = portal()
    ContactFieldFactory(tenant=tenant, key="age", label="Age", type=FieldType.NUMBER)
    response = client.post(
        "/contacts/new/",
        {"phone": "(405) 555-0100", "first_name": "Ok", "tags": "a, b", "field_age": "x",
         "consent_channels": ["sms"], "consent_source": ""},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert "consent_source" in form.errors
    response = client.post(
        "/contacts/new/",
        {"phone": "(405) 555-0100", "first_name": "Ok", "tags": "a, b", "field_age": "x"},
    )
    assert "field_age" in response.context["form"].errors
    response = client.post(
        "/contacts/new/",
        {"phone": "(405) 555-0100", "first_name": "Ok", "tags": "a, b", "field_age": "7",
         "consent_channels": ["sms"], "consent_source": "web_form"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.for_tenant(tenant).get()
    assert (contact.phone, contact.region, contact.fields, contact.sms_consent_source) == (
        "+14055550100",
        "US-OK",
        {"age": 7},
        "web_form",
    )
    response = client.post("/contacts/new/", {"phone": "+14055550100"})
    assert "phone" in response.context["form"].errors


def test_viewers_cannot_change_anything(portal, tenant):
    viewer = portal(Membership.Role.VIEWER)
    assert viewer.post("/contacts/new/", {"phone": "+14055550100"}).status_code == 403
    assert not Contact.objects.for_tenant(tenant).exists()


def test_the_import_wizard(portal, tenant, django_capture_on_commit_callbacks):
    client = portal()
    text = csv_text(["Mobile", "Given"], [["+18135550100", "Ana"], ["oops", "Bo"]])
    file = io.BytesIO(text.encode())
    file.name = "people.csv"
    response = client.post("/contacts/import/", {"file": file})
    assert response.status_code == 302
    job = ContactImport.objects.for_tenant(tenant).get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="column-mapping"' in page and "Mobile" in page
    options = {"map_0": "phone", "map_1": "first_name", "consent_channels": ["sms"]}
    response = client.post(f"/contacts/import/{job.pk}/", {**options, "action": "preview"})
    assert "consent_source" in response.context["form"].errors
    options["consent_source"] = "paper_form"
    response = client.post(f"/contacts/import/{job.pk}/", {**options, "action": "preview"})
    assert response.status_code == 200
    assert (response.context["preview"].would_create, response.context["preview"].error_rows) == (
        1,
        1,
    )
    assert 'id="import-start"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/contacts/import/{job.pk}/", {**options, "action": "start"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="completed"' in page and 'id="import-errors-download"' in page
    errors = client.get(f"/contacts/import/{job.pk}/errors.csv")
    body = b"".join(errors.streaming_content).decode("utf-8-sig")
    assert "3,Mobile,oops," in body
    assert Contact.objects.for_tenant(tenant).get().sms_consent_source == "paper_form"


def test_upload_errors_show_on_the_file_field(portal):
    file = io.BytesIO(b"\x00\x01\x02\x03")
    file.name = "x.csv"
    response = portal().post("/contacts/import/", {"file": file})
    assert response.status_code == 400
    assert "file" in response.context["form"].errors


def test_audience_filter_live_count_and_save(portal, tenant):
    client = portal()
    ContactFactory(tenant=tenant, tags=",vip,")
    ContactFactory(tenant=tenant, tags=",vip,", email="a@example.com")
    ContactFactory(tenant=tenant)
    count = client.get("/audiences/count/", {"tags_any": "vip", "has": ["email"]})
    assert 'id="audience-count-value">1<' in count.content.decode()
    count = client.get("/audiences/count/", {"tags_any": "vip"})
    assert 'id="audience-count-value">2<' in count.content.decode()
    response = client.post("/audiences/new/", {"name": "VIPs", "kind": "filter", "tags_any": "vip"})
    assert response.status_code == 302
    audience = Audience.objects.for_tenant(tenant).get()
    assert audience.filter == {"tags_any": ["vip"]}
    page = client.get(response["Location"]).content.decode()
    assert 'id="audience-saved-count">2<' in page


def test_static_list_members(portal, tenant):
    client = portal()
    a = ContactFactory(tenant=tenant, tags=",vip,")
    ContactFactory(tenant=tenant, tags=",vip,")
    response = client.post("/audiences/new/", {"name": "List", "kind": "static"})
    audience = Audience.objects.for_tenant(tenant).get()
    client.post(f"/audiences/{audience.pk}/members/", {"tag": "vip"})
    assert AudienceMember.objects.for_tenant(tenant).count() == 2
    client.post(f"/audiences/{audience.pk}/members/", {"remove": str(a.pk)})
    assert AudienceMember.objects.for_tenant(tenant).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert 'id="audience-members"' in page
