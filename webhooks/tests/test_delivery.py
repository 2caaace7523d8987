"""Tenant webhooks: emission, signed delivery a receiver can verify, retries, redelivery."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import OptOut
from messaging.services import optout_add
from messaging.statuses import apply_status_callback
from messaging.tests.factories import MessageFactory
from tenants.services import Actor
from webhooks import signing
from webhooks.models import WebhookAttempt, WebhookDelivery
from webhooks.services import (
    backoff_seconds,
    delivery_attempt,
    due_delivery_ids,
    emit_event,
    endpoint_create,
    redeliver,
)
from webhooks.tasks import retry_due_deliveries_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(tenant, receiver):
    return endpoint_create(
        tenant=tenant,
        url=receiver.url,
        event_types=["message.status", "message.received", "optout.changed"],
        actor=Actor.system(),
    )


def verify(received, secret: str) -> dict:
    headers = {k.lower(): v for k, v in received.headers.items()}
    assert signing.verify(
        secret,
        received.body,
        headers["x-isv-timestamp"],
        headers["x-isv-signature"],
    ), "the receiver could not verify the signature"
    return json.loads(received.body)


def test_a_status_change_is_delivered_signed(tenant, endpoint, receiver, on_commit):
    message = MessageFactory(tenant=tenant, status="sent", status_rank=30, account_sid="AC1")
    on_commit(
        apply_status_callback,
        {"MessageSid": message.sid, "MessageStatus": "delivered", "AccountSid": "AC1"},
    )
    assert len(receiver.received) == 1
    event = verify(receiver.received[0], endpoint.secret.reveal())
    assert event["type"] == "message.status"
    assert event["data"]["id"] == str(message.pk)
    assert event["data"]["status"] == "delivered"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)


def test_a_wrong_secret_or_an_old_timestamp_does_not_verify(tenant, endpoint, receiver):
    emit_ids = emit_event(tenant_id=tenant.pk, event_type="optout.changed", data={"n": 1})
    assert emit_ids == 1
    delivery_attempt(str(WebhookDelivery.objects.get().pk))
    got = receiver.received[0]
    headers = {k.lower(): v for k, v in got.headers.items()}
    assert not signing.verify("another secret", got.body, headers["x-isv-timestamp"],
                              headers["x-isv-signature"])  # fmt: skip
    assert not signing.verify(
        endpoint.secret.reveal(),
        got.body,
        headers["x-isv-timestamp"],
        headers["x-isv-signature"],
        now=time.time() + 3600,
    )
    assert not signing.verify(endpoint.secret.reveal(), got.body + b" ", headers["x-isv-timestamp"],
                              headers["x-isv-signature"])  # fmt: skip


def test_a_500_is_retried_with_backoff_until_it_succeeds(tenant, endpoint, receiver):
    receiver.answer(500, 503)
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={"x": 1})
    delivery = WebhookDelivery.objects.get()

    first = delivery_attempt(str(delivery.pk))
    assert first.state == "pending" and first.retry_in > 0
    assert delivery_attempt(str(delivery.pk)) is None  # not due yet: nobody posts again
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    second = delivery_attempt(str(delivery.pk))
    assert second.state == "pending"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    third = delivery_attempt(str(delivery.pk))
    assert third.state == "succeeded"

    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.delivered_at is not None
    codes = list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list("status_code", flat=True)
    )
    assert codes == [500, 503, 200]
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # the same event every time


def test_backoff_doubles_up_to_an_hour(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    assert 27 <= backoff_seconds(1) <= 33
    assert 54 <= backoff_seconds(2) <= 66
    assert 3240 <= backoff_seconds(20) <= 3960


def test_a_delivery_gives_up_after_a_day(tenant, endpoint, receiver):
    receiver.answer(500)
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={})
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=24)
    )
    outcome = delivery_attempt(str(delivery.pk))
    assert outcome.state == "failed"
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 500" and delivery.next_attempt_at is None


def test_lost_retries_are_picked_up_by_the_beat_job(tenant, endpoint, receiver):
    receiver.answer(500)
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={})
    delivery = WebhookDelivery.objects.get()
    delivery_attempt(str(delivery.pk))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    assert due_delivery_ids() == [str(delivery.pk)]
    assert retry_due_deliveries_task() == 1
    delivery.refresh_from_db()
    assert delivery.state == "succeeded"


def test_redelivery_sends_the_same_event_again(tenant, endpoint, receiver):
    emit_event(tenant_id=tenant.pk, event_type="message.received", data={"a": 1})
    original = WebhookDelivery.objects.get()
    delivery_attempt(str(original.pk))
    again = redeliver(delivery=original, actor=Actor.system())
    delivery_attempt(str(again.pk))
    assert len(receiver.received) == 2
    first, second = (json.loads(r.body) for r in receiver.received)
    assert first["id"] == second["id"] == str(original.event_id)
    assert again.redelivery_of_id == original.pk


def test_only_subscribed_active_endpoints_of_the_tenant_get_events(tenant, other_tenant, receiver):
    endpoint_create(
        tenant=tenant, url=receiver.url, event_types=["optout.changed"], actor=Actor.system()
    )
    disabled = endpoint_create(
        tenant=tenant, url=receiver.url, event_types=["message.status"], actor=Actor.system()
    )
    disabled.is_active = False
    disabled.save()
    endpoint_create(
        tenant=other_tenant,
        url=receiver.url,
        event_types=["message.status", "optout.changed"],
        actor=Actor.system(),
    )
    assert emit_event(tenant_id=tenant.pk, event_type="message.status", data={}) == 0
    optout_add(
        tenant=tenant,
        number="+14155550123",
        channel="sms",
        source=OptOut.Source.MANUAL,
        actor=Actor.system(),
    )
    deliveries = WebhookDelivery.objects.all()
    assert [(d.tenant_id, d.event_type) for d in deliveries] == [(tenant.pk, "optout.changed")]
    assert deliveries[0].payload["data"]["opted_out"] is True


def test_private_addresses_are_refused_unless_allowed(tenant, settings):
    from django.core.exceptions import ValidationError

    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    for url in ("http://127.0.0.1/x", "http://10.0.0.5/hook", "ftp://example.com/x"):
        with pytest.raises(ValidationError):
            endpoint_create(tenant=tenant, url=url, event_types=["message.status"],
                            actor=Actor.system())  # fmt: skip


def test_a_delivery_to_a_private_address_fails_without_posting(tenant, settings, receiver):
    endpoint = endpoint_create(
        tenant=tenant, url=receiver.url, event_types=["message.status"], actor=Actor.system()
    )
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    emit_event(tenant_id=tenant.pk, event_type="message.status", data={})
    outcome = delivery_attempt(str(WebhookDelivery.objects.get(endpoint=endpoint).pk))
    assert outcome.status_code is None
    assert receiver.received == []
    assert "private" in WebhookAttempt.objects.get().error


def test_the_secret_is_encrypted_at_rest(tenant, receiver):
    from webhooks.models import WebhookEndpoint

    endpoint = endpoint_create(
        tenant=tenant, url=receiver.url, event_types=["message.status"], actor=Actor.system(),
        secret="my-very-own-secret-value",
    )  # fmt: skip
    stored = WebhookEndpoint.objects.filter(pk=endpoint.pk).values_list("secret", flat=True)[0]
    assert "my-very-own-secret-value" not in stored
    assert endpoint.secret.reveal() == "my-very-own-secret-value"
