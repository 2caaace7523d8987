import pytest
from django.test import Client

from broadcasts.services.lifecycle import broadcast_launch
from broadcasts.tests.factories import BroadcastFailureFactory, BroadcastSettingsFactory
from tenants.services import Actor
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(staff_user):
    client = Client()
    login_verified(client, staff_user)
    return client


def test_pages_render(staff, broadcast_to):
    broadcast = broadcast_launch(broadcast_to(2), Actor.system())
    BroadcastFailureFactory(broadcast=broadcast, tenant=broadcast.tenant)
    settings = BroadcastSettingsFactory(tenant=broadcast.tenant)
    for url in (
        "/admin/broadcasts/broadcast/",
        f"/admin/broadcasts/broadcast/{broadcast.pk}/change/",
        "/admin/broadcasts/broadcastsettings/",
        f"/admin/broadcasts/broadcastsettings/{settings.pk}/change/",
    ):
        assert staff.get(url).status_code == 200, url


def test_pause_action_goes_through_the_service(staff, broadcast_to):
    broadcast = broadcast_launch(broadcast_to(1), Actor.system())
    response = staff.post(
        "/admin/broadcasts/broadcast/",
        {"action": "pause", "_selected_action": [str(broadcast.pk)]},
        follow=True,
    )
    assert b"1 broadcast(s) paused." in response.content
    broadcast.refresh_from_db()
    assert broadcast.status == "paused"
    assert broadcast.transitions.last().actor_label == response.wsgi_request.user.get_username()
    response = staff.post(
        "/admin/broadcasts/broadcast/",
        {"action": "pause", "_selected_action": [str(broadcast.pk)]},
        follow=True,
    )
    assert b"can&#x27;t be paused" in response.content
