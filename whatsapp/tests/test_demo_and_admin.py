"""`make run`'s demo: the demo number's sandbox sender shows as the tenant's online sender
(a sync, run again without duplicates); staff re-sync senders from the admin."""

import pytest
from django.test import Client

from isvplatform.demo import DEMO_STEPS, ensure_demo_data
from provisioning.selectors import primary_number
from sandbox import clock
from twofactor.tests.helpers import login_verified
from whatsapp.demo import sync_demo_senders
from whatsapp.models import SenderStatus, WhatsAppSender
from whatsapp.tests.test_onboarding import start

pytestmark = pytest.mark.django_db


def test_the_demo_whatsapp_number_is_an_online_sender_of_the_demo_tenant(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert DEMO_STEPS.index("whatsapp.demo.sync_demo_senders") > DEMO_STEPS.index(
        "messaging.demo.enable_demo_whatsapp"
    )
    tenant = ensure_demo_data()["tenant"]
    sender = WhatsAppSender.objects.for_tenant(tenant).get()
    assert sender.status == SenderStatus.ONLINE and sender.sid.startswith("XE")
    number = primary_number(tenant)
    assert sender.phone_number == number and number.whatsapp_enabled
    sync_demo_senders(tenant)
    assert WhatsAppSender.objects.for_tenant(tenant).count() == 1


def test_staff_resync_moves_a_sender(provisioned, on_commit, staff_user):
    sender = start(on_commit, provisioned)
    clock.advance(5)
    client = Client()
    login_verified(client, staff_user)
    listing = client.get("/admin/whatsapp/whatsappsender/")
    assert provisioned.number.phone_number in listing.content.decode()
    response = client.post(
        "/admin/whatsapp/whatsappsender/",
        {"action": "resync", "_selected_action": [str(sender.pk)]},
        follow=True,
    )
    assert "1 changed" in response.content.decode()
    sender.refresh_from_db()
    assert sender.status == SenderStatus.PENDING_VERIFICATION
    assert client.get(f"/admin/whatsapp/whatsappsender/{sender.pk}/change/").status_code == 200
