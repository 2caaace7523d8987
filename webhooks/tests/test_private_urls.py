"""A refused local URL says how to allow it, and the setting is documented where people look."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tenants.models import Membership
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_the_portal_names_the_setting_when_it_refuses_a_local_url(member_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    owner = member_client(role=Membership.Role.OWNER)
    page = owner.post(
        "/webhook-endpoints/",
        {"url": "http://localhost:9000/hooks", "event_types": ["message.status"]},
    )
    assert page.status_code == 200
    assert "WEBHOOK_ALLOW_PRIVATE_URLS=true" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_api_names_the_setting_when_it_refuses_a_local_url(member_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    owner = member_client(role=Membership.Role.OWNER)
    response = owner.post(
        "/api/v1/webhook-endpoints",
        {"url": "http://127.0.0.1:9000/hooks", "event_types": ["message.status"]},
        format="json",
    )
    assert response.status_code == 400
    assert "WEBHOOK_ALLOW_PRIVATE_URLS" in response.json()["error"]["fields"]["url"][0]


@pytest.mark.parametrize("name", ["README.md", ".env.example"])
def test_the_setting_is_documented(name):
    text = Path(django_settings.BASE_DIR, name).read_text()
    assert "WEBHOOK_ALLOW_PRIVATE_URLS" in text
