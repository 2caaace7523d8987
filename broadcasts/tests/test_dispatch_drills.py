"""Drills with a real worker: the pace measured at the sandbox, a worker SIGKILLed mid-run
and Redis (broker and buckets) restarted mid-run; every recipient is sent exactly once,
counted at the sandbox (Twilio's side)."""

import threading
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection
from django.utils import timezone
from kombu import Connection

from broadcasts.models import Broadcast
from broadcasts.tasks import tick_task
from broadcasts.tests.factories_dispatch import (
    consented_contacts,
    sandbox_counts,
    sending_broadcast,
)
from broadcasts.tests.redis_server import RedisServer
from isvplatform.celery import app as celery_app
from isvplatform.testing.worker import wait_for
from messaging.models import Message
from messaging.tasks import sweep_outbox_task
from messaging.tests.conftest import provision_tenant
from sandbox import faults
from sandbox.core.models import SandboxState
from sandbox.core.state import load_state
from sandbox.resources.messages.models import Message as SandboxMessage

pytestmark = pytest.mark.integration

WORKER_ENV = {
    "BROADCAST_LEASE_SECONDS": "4",
    "MESSAGING_SEND_LEASE_SECONDS": "8",
    "MESSAGING_SEND_DOUBT_SECONDS": "1",
    "MESSAGING_OUTBOX_SWEEP_SECONDS": "2",
}


@contextmanager
def wall_clock_sandbox(interval: float = 0.05):
    """Keep the sandbox clock on the wall clock (to the millisecond), so the sandbox's
    `date_created` records when each message really reached it."""
    load_state()
    stop = threading.Event()

    def follow() -> None:
        try:
            while not stop.is_set():
                SandboxState.objects.filter(pk=1).update(now=timezone.now())
                stop.wait(interval)
        finally:
            connection.close()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _numbers(contacts) -> list[str]:
    return [c.phone for c in contacts]


def _all_sent_once(broadcast, numbers) -> bool:
    broadcast.refresh_from_db()
    return broadcast.status == "completed" and sandbox_counts(numbers) == {n: 1 for n in numbers}


@pytest.fixture
def drill(celery_worker_factory, tenant, settings, django_capture_on_commit_callbacks):
    settings.MESSAGING_OUTBOX_SWEEP_SECONDS = 2
    provisioned = provision_tenant(tenant)

    def launch(n: int):
        contacts = consented_contacts(provisioned.tenant, n)
        broadcast = sending_broadcast(
            provisioned.tenant, contacts, django_capture_on_commit_callbacks,
            purpose="transactional",
        )  # fmt: skip
        return broadcast, _numbers(contacts)

    yield provisioned, launch, celery_worker_factory
    faults.reset()


def test_a_run_never_exceeds_the_senders_mps_at_the_sandbox(drill):
    _, launch, start = drill
    start({**WORKER_ENV, "BROADCAST_MPS_OVERRIDE": "5", "BROADCAST_BUCKET_BACKEND": "db"})
    broadcast, numbers = launch(16)
    with wall_clock_sandbox():
        celery_app.tasks["broadcasts.dispatch"].delay(str(broadcast.pk))
        wait_for(lambda: _all_sent_once(broadcast, numbers), timeout=60)
    created = SandboxMessage.objects.filter(to_address__in=numbers).values_list(
        "date_created", flat=True
    )
    per_second = Counter(moment.replace(microsecond=0) for moment in created)
    assert max(per_second.values()) <= 5 + 1, per_second
    assert len(per_second) >= 3  # spread over seconds, not sent in one burst


def test_a_worker_killed_mid_run_and_restarted_sends_every_recipient_once(drill):
    _, launch, start = drill
    env = {**WORKER_ENV, "BROADCAST_MPS_OVERRIDE": "10"}
    first = start(env)
    broadcast, numbers = launch(30)
    # Each create takes a while, so the kill most likely lands during a POST.
    faults.configure(latency_ms=300, path_pattern="Messages.json")
    celery_app.tasks["broadcasts.dispatch"].delay(str(broadcast.pk))
    wait_for(lambda: sum(sandbox_counts(numbers).values()) >= 6, timeout=60)
    first.stop(kill=True)
    faults.configure(latency_ms=0)
    start(env, queue=first.queue)

    def recovered() -> bool:
        tick_task.delay()  # re-kicks the run once the dead worker's lease ran out
        sweep_outbox_task.delay()  # re-enqueues messages whose send task died with it
        return _all_sent_once(broadcast, numbers)

    wait_for(recovered, timeout=60, interval=1.0)
    assert not Message.objects.filter(to_number__in=numbers, sid__isnull=True).exists()
    broadcast.refresh_from_db()
    assert (broadcast.sent, broadcast.pending) == (30, 0)


def test_redis_restarted_mid_run_sends_every_recipient_once(drill, tmp_path):
    _, launch, start = drill
    redis_server = RedisServer(tmp_path).start()
    try:
        env = {
            **WORKER_ENV,
            "BROADCAST_MPS_OVERRIDE": "10",
            "REDIS_URL": redis_server.url,
            "CELERY_BROKER_URL": redis_server.url,
            "BROADCAST_BUCKET_BACKEND": "redis",
        }
        worker = start(env)
        broadcast, numbers = launch(30)

        def kick(name: str, *args: str) -> None:
            """Publish to the private broker (this process's own broker is another)."""
            with Connection(redis_server.url, connect_timeout=1) as conn:
                celery_app.send_task(name, args=list(args), queue=worker.queue, connection=conn)

        kick("broadcasts.dispatch", str(broadcast.pk))
        wait_for(lambda: sum(sandbox_counts(numbers).values()) >= 6, timeout=60)
        redis_server.stop()  # broker, buckets and cache gone; queued tasks lost
        time.sleep(1.0)
        redis_server.start()

        def recovered() -> bool:
            kick("broadcasts.tick")
            kick("messaging.sweep_outbox")
            return _all_sent_once(broadcast, numbers)

        wait_for(recovered, timeout=60, interval=1.0)
        assert not Message.objects.filter(to_number__in=numbers, sid__isnull=True).exists()
        assert Broadcast.objects.get(pk=broadcast.pk).sent == 30
    finally:
        redis_server.stop()
