"""API and portal pages of tenant webhooks: endpoints, delivery log, test events, redelivery."""

import pytest
from rest_framework.test import APIClient

from tenants.models import AuditEvent, Membership
from tenants.tests.factories import make_api_key
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.factories import DeliveryFactory, EndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def key_api(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


def test_create_shows_the_secret_once(key_api, receiver, on_commit):
    response = key_api.post(
        "/api/v1/webhook-endpoints",
        {"url": receiver.url, "event_types": ["message.status", "optout.changed"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    assert body["event_types"] == ["message.status", "optout.changed"]
    detail = key_api.get(f"/api/v1/webhook-endpoints/{body['id']}").json()
    assert "secret" not in detail
    assert AuditEvent.objects.filter(action="webhook_endpoint.created").exists()

    test = on_commit(key_api.post, f"/api/v1/webhook-endpoints/{body['id']}/test")
    assert test.status_code == 202
    assert len(receiver.received) == 1
    log = key_api.get(f"/api/v1/webhook-endpoints/{body['id']}/deliveries").json()["results"]
    assert log[0]["state"] == "succeeded"
    detail = key_api.get(f"/api/v1/webhook-deliveries/{log[0]['id']}").json()
    assert detail["log"][0]["status_code"] == 200

    again = on_commit(key_api.post, f"/api/v1/webhook-deliveries/{log[0]['id']}/redeliver")
    assert again.status_code == 202 and len(receiver.received) == 2


def test_update_rotate_and_delete(tenant, key_api, receiver):
    endpoint = EndpointFactory(tenant=tenant, url=receiver.url)
    old = endpoint.secret.reveal()
    patched = key_api.patch(
        f"/api/v1/webhook-endpoints/{endpoint.pk}",
        {"event_types": ["message.received"], "is_active": False},
        format="json",
    )
    assert patched.json()["event_types"] == ["message.received"]
    assert patched.json()["is_active"] is False
    rotated = key_api.post(f"/api/v1/webhook-endpoints/{endpoint.pk}/rotate-secret").json()
    endpoint.refresh_from_db()
    assert rotated["secret"] == endpoint.secret.reveal() != old
    assert key_api.delete(f"/api/v1/webhook-endpoints/{endpoint.pk}").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_bad_input_is_refused(key_api):
    response = key_api.post(
        "/api/v1/webhook-endpoints", {"url": "https://x.example.com", "event_types": ["nope"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    short = key_api.post(
        "/api/v1/webhook-endpoints",
        {"url": "https://x.example.com", "event_types": ["message.status"], "secret": "short"},
        format="json",
    )
    assert short.status_code == 400 and "secret" in short.json()["error"]["fields"]


def test_members_read_but_only_managers_change(tenant, member_client):
    endpoint = EndpointFactory(tenant=tenant)
    member = member_client(role=Membership.Role.MEMBER)
    assert member.get("/api/v1/webhook-endpoints").status_code == 200
    assert member.delete(f"/api/v1/webhook-endpoints/{endpoint.pk}").status_code == 403
    assert member.get("/webhook-endpoints/").status_code == 200
    assert (
        member.post(f"/webhook-endpoints/{endpoint.pk}/action/", {"action": "delete"}).status_code
        == 403
    )
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_another_tenants_endpoints_and_deliveries_are_404(tenant, other_tenant, key_api,
                                                          member_client):  # fmt: skip
    delivery = DeliveryFactory(endpoint=EndpointFactory(tenant=other_tenant))
    endpoint = delivery.endpoint
    assert key_api.get(f"/api/v1/webhook-endpoints/{endpoint.pk}").status_code == 404
    assert key_api.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver").status_code == 404
    owner = member_client(role=Membership.Role.OWNER)
    assert owner.get(f"/webhook-endpoints/{endpoint.pk}/").status_code == 404
    assert owner.post(f"/webhook-deliveries/{delivery.pk}/").status_code == 404
    assert WebhookDelivery.objects.count() == 1


def test_portal_create_edit_test_and_redeliver(tenant, member_client, receiver, on_commit):
    owner = member_client(role=Membership.Role.OWNER)
    page = owner.post(
        "/webhook-endpoints/",
        {"url": receiver.url, "description": "CRM", "event_types": ["message.status"]},
        follow=True,
    )
    assert page.status_code == 200 and "whsec_" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")
    endpoint = WebhookEndpoint.objects.get()
    assert "whsec_" not in owner.get(f"/webhook-endpoints/{endpoint.pk}/").content.decode()

    owner.post(
        f"/webhook-endpoints/{endpoint.pk}/",
        {"url": receiver.url, "description": "CRM 2", "event_types": ["message.status",
         "optout.changed"], "is_active": "on"},
    )  # fmt: skip
    endpoint.refresh_from_db()
    assert endpoint.event_types == ["message.status", "optout.changed"]

    on_commit(owner.post, f"/webhook-endpoints/{endpoint.pk}/action/", {"action": "test"})
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "succeeded"
    detail = owner.get(f"/webhook-deliveries/{delivery.pk}/").content.decode()
    assert "HTTP 200" in detail
    response = on_commit(owner.post, f"/webhook-deliveries/{delivery.pk}/")
    assert response.status_code == 302
    assert WebhookDelivery.objects.count() == 2 and len(receiver.received) == 2


def test_reloading_the_secret_page_creates_and_rotates_nothing(tenant, member_client, receiver):
    """Post/redirect/get: the secret shows once; a reload neither re-posts nor shows it."""
    owner = member_client(role=Membership.Role.OWNER)
    created = owner.post(
        "/webhook-endpoints/",
        {"url": receiver.url, "description": "CRM", "event_types": ["message.status"]},
    )
    assert created.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    secret = endpoint.secret.reveal()
    assert secret in owner.get(created["Location"]).content.decode()
    again = owner.get(created["Location"], follow=True).content.decode()
    assert secret not in again and "shown only once" in again
    assert WebhookEndpoint.objects.count() == 1

    rotated = owner.post(f"/webhook-endpoints/{endpoint.pk}/action/", {"action": "rotate"})
    assert rotated.status_code == 302
    endpoint.refresh_from_db()
    new_secret = endpoint.secret.reveal()
    assert new_secret != secret
    assert new_secret in owner.get(rotated["Location"]).content.decode()
    owner.get(rotated["Location"])
    endpoint.refresh_from_db()
    assert endpoint.secret.reveal() == new_secret
