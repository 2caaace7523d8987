"""End to end with a real Celery worker, a live server and the sandbox's HTTP callbacks.

The worker sends through the gateway into the sandbox; the sandbox's clock (advanced here)
posts signed status callbacks over HTTP to the live server, as Twilio would.
"""

import json
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from isvplatform.celery import app as celery_app
from isvplatform.testing.worker import wait_for
from messaging.models import Message
from messaging.services import message_send
from messaging.tasks import send_message_task, sweep_outbox_task
from messaging.tests.conftest import HANDSET, provision_tenant, sandbox_messages_to
from sandbox import clock, faults
from sandbox.core import callbacks as sandbox_callbacks
from tenants.services import Actor
from tenants.tests.factories import make_api_key
from webhooks import signing
from webhooks.models import WebhookDelivery
from webhooks.services import endpoint_create
from webhooks.tests.conftest import start_receiver

pytestmark = pytest.mark.integration


@pytest.fixture
def platform(live_server, settings, celery_worker_factory, tenant):
    """A provisioned tenant, callbacks over HTTP to the live server, and a worker factory."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SANDBOX_CALLBACKS_INPROCESS = False
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    env = {
        "PUBLIC_BASE_URL": live_server.url,
        "WEBHOOK_ALLOW_PRIVATE_URLS": "true",
        "WEBHOOK_RETRY_BASE_SECONDS": "0.2",
        "MESSAGING_OUTBOX_SWEEP_SECONDS": "0",
        # Longer than one send (4 s of latency below), short enough for a test to outwait.
        "MESSAGING_SEND_LEASE_SECONDS": "8",
        "MESSAGING_SEND_DOUBT_SECONDS": "1",
    }
    provisioned = provision_tenant(tenant)

    def start(queue: str | None = None):
        return celery_worker_factory(env, queue=queue)

    yield provisioned, start
    faults.reset()
    # The sandbox posts callbacks over a keep-alive session; closing it ends the live server's
    # request thread for that connection, and with it the thread's database connection.
    sandbox_callbacks._session.close()


def delivery_body(receiver, delivery) -> bytes:
    return next(
        r.body for r in receiver.received if r.headers.get("X-ISV-Delivery") == str(delivery.pk)
    )


def advance_until(predicate, seconds: float = 5.0):
    def step():
        clock.advance(seconds)
        return predicate()

    return wait_for(step, timeout=60, interval=0.2)


def test_send_delivered_with_http_callbacks_and_a_retried_tenant_webhook(platform):
    provisioned, start = platform
    start()
    server, receiver = start_receiver()
    try:
        receiver.answer(500)  # the tenant's receiver fails once
        endpoint = endpoint_create(
            tenant=provisioned.tenant,
            url=receiver.url,
            event_types=["message.status"],
            actor=Actor.system(),
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(provisioned.tenant)[1]}")
        response = client.post(
            "/api/v1/messages",
            {"to": HANDSET, "body": "Your order shipped"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="ship-1",
        )
        assert response.status_code == 201, response.content
        message_id = response.json()["id"]

        wait_for(lambda: Message.objects.filter(pk=message_id, sid__isnull=False).exists())
        advance_until(lambda: Message.objects.get(pk=message_id).status == "delivered")

        def delivered_event():
            for delivery in WebhookDelivery.objects.filter(endpoint=endpoint, state="succeeded"):
                if delivery.payload["data"]["status"] == "delivered":
                    return delivery
            return None

        delivery = wait_for(delivered_event, timeout=60)
        retried = WebhookDelivery.objects.filter(endpoint=endpoint, attempts=2, state="succeeded")
        retried = wait_for(lambda: retried.first(), timeout=60)
        codes = list(retried.log.order_by("attempted_at").values_list("status_code", flat=True))
        assert codes == [500, 200]
        assert receiver.received[0].headers.get("X-ISV-Event") == "message.status"
        for got in receiver.received:
            headers = {k.lower(): v for k, v in got.headers.items()}
            assert signing.verify(
                endpoint.secret.reveal(),
                got.body,
                headers["x-isv-timestamp"],
                headers["x-isv-signature"],
            )
        assert json.loads(delivery_body(receiver, delivery))["data"]["id"] == message_id

        replay = client.post(
            "/api/v1/messages",
            {"to": HANDSET, "body": "Your order shipped"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="ship-1",
        )
        assert replay.json()["id"] == message_id
        assert sandbox_messages_to(HANDSET).count() == 1
    finally:
        server.shutdown()
        server.server_close()


def test_a_worker_killed_mid_send_and_a_lost_enqueue_still_send_exactly_once(platform):
    provisioned, start = platform
    first = start()
    faults.configure(latency_ms=4000, path_pattern="Messages.json")
    message = message_send(
        tenant=provisioned.tenant, to=HANDSET, body="exactly once", actor=Actor.system()
    )
    wait_for(lambda: "messaging.send[" in first.log() and "received" in first.log())
    # The attempt is committed before the POST (which the latency keeps in flight).
    wait_for(lambda: Message.objects.filter(pk=message.pk, in_doubt_since__isnull=False).exists())
    first.stop(kill=True)  # killed while the send is in flight: its answer is never stored
    faults.configure(latency_ms=0)
    assert Message.objects.get(pk=message.pk).sid is None

    # The dead worker's claim keeps everyone off the row until its lease runs out.
    def claimed() -> bool:
        return Message.objects.filter(pk=message.pk, claimed_until__gt=timezone.now()).exists()

    # The next enqueue goes to a queue nobody consumes: a crash between commit and enqueue.
    celery_app.conf.CELERY_TASK_DEFAULT_QUEUE = f"lost-{uuid.uuid4().hex[:8]}"
    lost = message_send(tenant=provisioned.tenant, to=HANDSET, body="lost", actor=Actor.system())

    second = start(queue=first.queue)
    wait_for(lambda: not claimed(), timeout=30)
    sweep_outbox_task.delay()
    pending = Message.objects.filter(pk__in=[message.pk, lost.pk], sid__isnull=True)
    wait_for(lambda: not pending.exists(), timeout=60)

    for again in (message, lost):  # the task run twice, on purpose
        send_message_task.delay(str(again.pk))
    wait_for(lambda: second.log().count("'already_handled'") >= 2, timeout=60)
    bodies = sorted(sandbox_messages_to(HANDSET).values_list("body", flat=True))
    assert bodies == ["exactly once", "lost"]
