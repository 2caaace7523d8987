"""The staff admin of the contact book: pages render, imports are read-only progress."""

import pytest
from django.test import Client

from contacts.models import ContactImportError
from contacts.tests.factories import (
    AudienceMemberFactory,
    ContactFactory,
    ContactFieldFactory,
    ContactImportFactory,
)
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_user) -> Client:
    client = Client()
    login_verified(client, staff_user)
    return client


def test_pages_render(admin_client, tenant):
    job = ContactImportFactory(tenant=tenant, total_rows=10, processed_rows=4)
    ContactImportError.objects.create(
        tenant=tenant, contact_import=job, row=3, column="phone", value="x", message="Bad."
    )
    member = AudienceMemberFactory(audience__tenant=tenant)
    objects = {
        "contact": ContactFactory(tenant=tenant),
        "contactfield": ContactFieldFactory(tenant=tenant),
        "contactimport": job,
        "audience": member.audience,
    }
    for model, obj in objects.items():
        assert admin_client.get(f"/admin/contacts/{model}/").status_code == 200, model
        assert admin_client.get(f"/admin/contacts/{model}/", {"q": "a"}).status_code == 200
        page = admin_client.get(f"/admin/contacts/{model}/{obj.pk}/change/")
        assert page.status_code == 200, model
        assert admin_client.get(f"/admin/contacts/{model}/add/").status_code == 403
    page = admin_client.get(f"/admin/contacts/contactimport/{job.pk}/change/").content.decode()
    assert "4 of 10 rows" in page and "Bad." in page
