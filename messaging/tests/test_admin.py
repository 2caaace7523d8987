"""Staff admin pages of messaging and tenant webhooks: readable, secrets never shown."""

import pytest
from django.test import Client

from messaging.models import OptOut
from messaging.tests.factories import ConversationFactory, MessageFactory, OptOutFactory
from twofactor.tests.helpers import login_verified
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user):
    client = Client()
    login_verified(client, staff_user)
    return client


def test_changelists_and_detail_pages_open(staff, tenant):
    message = MessageFactory(tenant=tenant)
    ConversationFactory(tenant=tenant)
    OptOutFactory(tenant=tenant)
    delivery = DeliveryFactory(endpoint=EndpointFactory(tenant=tenant))
    for url in (
        "/admin/messaging/message/",
        f"/admin/messaging/message/{message.pk}/change/",
        "/admin/messaging/conversation/",
        "/admin/messaging/optout/",
        "/admin/messaging/consentevent/",
        "/admin/messaging/webhookevent/",
        "/admin/webhooks/webhookendpoint/",
        f"/admin/webhooks/webhookendpoint/{delivery.endpoint_id}/change/",
        "/admin/webhooks/webhookdelivery/",
        f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/",
    ):
        response = staff.get(url)
        assert response.status_code == 200, url
        assert "whsec_test_secret" not in response.content.decode(), url


def test_staff_actions_redeliver_and_remove_optouts(staff, tenant):
    delivery = DeliveryFactory(endpoint=EndpointFactory(tenant=tenant, is_active=False))
    staff.post(
        "/admin/webhooks/webhookdelivery/",
        {"action": "redeliver_selected", "_selected_action": [str(delivery.pk)]},
    )
    assert WebhookDelivery.objects.filter(redelivery_of=delivery).count() == 1
    optout = OptOutFactory(tenant=tenant)
    staff.post(
        "/admin/messaging/optout/",
        {"action": "remove_optouts", "_selected_action": [str(optout.pk)]},
    )
    assert not OptOut.objects.exists()
