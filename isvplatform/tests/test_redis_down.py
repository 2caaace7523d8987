"""Redis down (issue 17's drill): the API keeps accepting sends. The cache and throttle miss,
the quota admits uncounted, and an enqueue the broker refuses after the commit is left to the
outbox sweeper; each with a log line and a count. No real Redis is needed for the dead one:
nothing listens on DEAD_REDIS, so every connection is refused."""

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import environ
import pytest
from celery import Celery
from django.core.cache import caches
from django.utils import timezone
from kombu.exceptions import OperationalError
from rest_framework.test import APIClient

from billing.services.quotas import quota_usage
from billing.tests.factories import SendingQuotaFactory
from broadcasts.tests.redis_server import RedisServer
from isvplatform import enqueue, failopen
from isvplatform.celery import app
from isvplatform.settings_failopen import redis_cache
from messaging.models import Message, Status
from messaging.tasks import sweep_outbox_task
from messaging.tests.conftest import HANDSET, provision_tenant, sandbox_messages_to
from sandbox import faults
from tenants.tests.factories import make_api_key

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture(autouse=True)
def _fresh_log_window(monkeypatch):
    """Every test sees its first fail-open line (the window is per process)."""
    monkeypatch.setattr(failopen, "_logged_at", {})
    monkeypatch.setattr(failopen, "_skipped", Counter())


@pytest.fixture
def provisioned(tenant):
    yield provision_tenant(tenant)
    faults.reset()


@pytest.fixture
def key_api(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the commit's callbacks (the enqueue) inside the test's transaction."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def redis_cache_at(url: str) -> dict:
    return {**redis_cache(environ.Env(), url), "FAILOPEN_RETRY_SECONDS": 0.0}


@pytest.fixture
def dead_cache(settings):
    """The default cache (and so the throttle, the sender and quota caches) on a dead Redis."""
    settings.CACHES = {"default": redis_cache_at(DEAD_REDIS)}
    settings.MESSAGING_SENDER_CACHE_SECONDS = 10


def send(client, on_commit, **data):
    payload = {"to": HANDSET, "body": "Your table is ready", **data}
    return on_commit(client.post, "/api/v1/messages", payload, format="json")


def failed_open(component: str) -> int:
    return failopen.failopen_counts().get(component, 0)


def test_the_cache_fails_open_on_a_dead_redis(dead_cache, caplog):
    cache, before = caches["default"], failed_open("cache")
    with caplog.at_level(logging.WARNING, logger="isvplatform.failopen"):
        assert cache.get("k", "missing") == "missing"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.incr("n", 3) == 3
        assert cache.get_many(["k"]) == {}
        assert cache.delete("k") is False
    assert failed_open("cache") == before + 6
    lines = [r.getMessage() for r in caplog.records if r.name == "isvplatform.failopen"]
    assert len(lines) == 1, lines  # one line per window, not one per call
    assert "cache unavailable, failing open" in lines[0] and "ConnectionError" in lines[0]


def test_after_a_failure_the_cache_waits_before_trying_redis_again(settings):
    settings.CACHES = {"default": {**redis_cache_at(DEAD_REDIS), "FAILOPEN_RETRY_SECONDS": 60}}
    cache = caches["default"]
    assert cache.get("k") is None
    assert cache._down_until > 0
    # Pointing it at nothing else would still refuse: the next call doesn't try at all.
    cache._cache._pool_options["port"] = 1
    assert cache.get("k", "skipped") == "skipped"


def test_a_send_is_accepted_and_sent_with_cache_and_throttle_on_a_dead_redis(
    provisioned, key_api, on_commit, dead_cache, caplog
):
    before = failed_open("cache")
    with caplog.at_level(logging.WARNING, logger="isvplatform.failopen"):
        response = send(key_api, on_commit)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "queued"
    message = Message.objects.get(pk=response.json()["id"])
    assert message.sid  # the whole path ran: stored, enqueued, handed to the sandbox
    assert sandbox_messages_to(HANDSET).count() == 1
    assert failed_open("cache") > before
    assert any("cache unavailable" in r.getMessage() for r in caplog.records)


def test_without_running_the_commit_the_message_is_stored_queued(provisioned, key_api, dead_cache):
    response = key_api.post("/api/v1/messages", {"to": HANDSET, "body": "Hi"}, format="json")
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.status, message.sid) == (Status.QUEUED, None)


def test_the_quota_admits_uncounted_when_its_counters_redis_is_down(
    provisioned, key_api, on_commit, settings, caplog
):
    settings.BROADCAST_BUCKET_BACKEND = "redis"
    settings.REDIS_URL = DEAD_REDIS
    SendingQuotaFactory(tenant=provisioned.tenant, channel="sms", daily_limit=5)
    before = failed_open("quota")
    with caplog.at_level(logging.WARNING, logger="isvplatform.failopen"):
        response = send(key_api, on_commit)
    assert response.status_code == 201, response.content
    assert failed_open("quota") == before + 1
    assert any("quota unavailable" in r.getMessage() for r in caplog.records)


def refused(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")


@contextmanager
def broker_down() -> Iterator[None]:
    """The broker refuses every publish, as kombu does when Redis is down."""
    eager = app.conf.CELERY_TASK_ALWAYS_EAGER  # the namespaced name is the one read
    app.conf.CELERY_TASK_ALWAYS_EAGER = False
    app.send_task = refused  # shadows the method on this instance until deleted
    try:
        yield
    finally:
        del app.send_task
        app.conf.CELERY_TASK_ALWAYS_EAGER = eager


def test_an_enqueue_refused_after_the_commit_is_left_to_the_sweeper(
    provisioned, key_api, on_commit, caplog
):
    before = failed_open("broker")
    with broker_down(), caplog.at_level(logging.WARNING, logger="isvplatform.failopen"):
        response = send(key_api, on_commit)
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.status, message.sid) == (Status.QUEUED, None)
    assert failed_open("broker") == before + 1
    assert any("messaging.send not queued" in r.getMessage() for r in caplog.records)

    # The broker is back (eager again): the sweeper finds the message and sends it.
    Message.objects.filter(pk=message.pk).update(updated_at=timezone.now() - timedelta(hours=1))
    assert sweep_outbox_task() == 1
    message.refresh_from_db()
    assert message.sid
    assert sandbox_messages_to(HANDSET).count() == 1  # sent once


def test_publishing_to_a_dead_broker_is_logged_not_raised(monkeypatch, caplog):
    dead = Celery("dead", broker=DEAD_REDIS, set_as_current=False)  # else it is current_app
    monkeypatch.setattr(enqueue, "app", dead)
    with caplog.at_level(logging.WARNING, logger="isvplatform.failopen"):
        assert enqueue.publish("messaging.send", "no-such-message") is False
    assert any("OperationalError" in r.getMessage() for r in caplog.records)


def test_an_error_of_the_task_itself_still_propagates_in_eager_mode(monkeypatch):
    def broken(*args):
        raise ValueError("the task failed")

    monkeypatch.setattr(app.tasks["messaging.send"], "run", broken)
    with pytest.raises(ValueError):
        enqueue.publish("messaging.send", "x")


def test_the_cache_works_on_a_live_redis_and_again_after_it_restarts(settings, tmp_path):
    server = RedisServer(tmp_path).start()
    try:
        settings.CACHES = {"default": redis_cache_at(server.url)}
        cache = caches["default"]
        cache.set("k", {"a": 1}, 30)
        assert cache.get("k") == {"a": 1}
        assert cache.add("k", 2) is False and cache.add("lock", 1, 30) is True
        assert cache.incr("lock", 2) == 3
        assert cache.delete("lock") is True
        server.stop()
        assert cache.get("k", "down") == "down"
        server.start()
        cache.set("k", "back", 30)
        assert cache.get("k") == "back"
        # One redis-py client served every call (Django's builds one per call), through the
        # restart too: its pool replaced the dead connections.
        assert cache._cache.get_client("k") is cache._cache.get_client("x", write=True)
        assert len(cache._cache._clients) == 1
    finally:
        server.stop()


def test_sends_go_on_through_a_redis_restart(provisioned, key_api, on_commit, settings, tmp_path):
    """The drill in small: the cache, throttle and quota counters on one Redis, stopped
    between two sends and started again before a third; every send is accepted."""
    server = RedisServer(tmp_path).start()
    try:
        settings.CACHES = {"default": redis_cache_at(server.url)}
        settings.REDIS_URL, settings.BROADCAST_BUCKET_BACKEND = server.url, "redis"
        settings.MESSAGING_SENDER_CACHE_SECONDS = 10
        SendingQuotaFactory(tenant=provisioned.tenant, channel="sms", daily_limit=50)
        assert send(key_api, on_commit).status_code == 201
        assert quota_usage(provisioned.tenant, "sms").daily_used == 1
        server.stop()
        assert send(key_api, on_commit).status_code == 201  # admitted uncounted
        server.start()
        assert send(key_api, on_commit).status_code == 201
        assert quota_usage(provisioned.tenant, "sms").daily_used == 1  # a fresh Redis
        assert sandbox_messages_to(HANDSET).count() == 3
    finally:
        server.stop()
