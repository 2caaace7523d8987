"""Portal pages of WhatsApp: which signup the WABA step offers, the step order, and other
tenants' senders answering 404."""

import pytest
from django.test import Client

from tenants.models import Membership
from tenants.tests.factories import MembershipFactory
from whatsapp.tests.factories import WhatsAppSenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(tenant):
    client = Client()
    membership = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER)
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


def test_the_sandbox_offers_the_simulated_signup_and_no_meta_sdk(portal, settings):
    settings.META_APP_ID, settings.META_CONFIG_ID = "1234", "5678"
    page = portal.get("/whatsapp/connect/").content.decode()
    assert "Simulated Meta signup" in page and "embedded_signup.js" not in page


def test_live_mode_offers_metas_embedded_signup_once_configured(portal, settings, tenant):
    settings.TWILIO_MODE = "live"
    settings.META_APP_ID, settings.META_CONFIG_ID = "", ""
    assert "Simulated Meta signup" in portal.get("/whatsapp/connect/").content.decode()
    settings.META_APP_ID, settings.META_CONFIG_ID = "1234", "5678"
    page = portal.get("/whatsapp/connect/").content.decode()
    assert "embedded_signup.js" in page and 'data-config-id="5678"' in page
    response = portal.post("/whatsapp/connect/", {"waba_id": "102030405060"})
    assert response.status_code == 302 and response["Location"] == "/whatsapp/connect/details/"
    assert portal.session["whatsapp_waba_id"] == "102030405060"


def test_details_need_a_waba_first_and_point_at_buying_a_number(portal):
    assert portal.get("/whatsapp/connect/details/")["Location"] == "/whatsapp/connect/"
    portal.post("/whatsapp/connect/", {"business_name": "Acme", "outcome": "normal"})
    page = portal.get("/whatsapp/connect/details/").content.decode()
    assert "/numbers/buy/" in page


def test_another_tenants_sender_is_404(portal, other_tenant, tenant):
    theirs = WhatsAppSenderFactory(tenant=other_tenant)
    assert portal.get(f"/whatsapp/{theirs.pk}/").status_code == 404
    mine = WhatsAppSenderFactory(tenant=tenant)
    page = portal.get(f"/whatsapp/{mine.pk}/")
    assert page.status_code == 200 and mine.display_name in page.content.decode()
    assert portal.get("/whatsapp/").status_code == 200
