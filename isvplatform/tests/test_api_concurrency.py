"""The per-tenant API concurrency limit (isvplatform/api/concurrency.py) on a private
Redis: a tenant's request beyond its limit is refused (429, Retry-After, the API's error
format) while another tenant's goes through; a place comes back when its answer starts or
its request raises; with Redis down every request goes through, counted and logged."""

import asyncio
import json
import logging
import time
from collections import Counter

import pytest
import redis
from django.test import override_settings
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from broadcasts.tests.redis_server import RedisServer
from isvplatform import failopen
from isvplatform.api import concurrency
from isvplatform.api.concurrency import TenantConcurrencyLimit, key_digest, remember_key_tenant
from isvplatform.tests.test_asgi_limits import run_in_a_loop_of_its_own
from tenants.tests.factories import TenantFactory, make_api_key

DEAD_REDIS = "redis://127.0.0.1:6390/0"
KEY_A, KEY_B = "isv_aaaa_" + "a" * 40, "isv_bbbb_" + "b" * 40


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setattr(failopen, "_logged_at", {})
    monkeypatch.setattr(failopen, "_skipped", Counter())
    monkeypatch.setattr(concurrency, "_recorders", {})


def record_tenants(url: str, **tenants: int) -> None:
    client = redis.Redis.from_url(url)
    client.flushdb()
    for raw_key, tenant_id in tenants.items():
        client.set(concurrency._tenant_record(key_digest(raw_key)), tenant_id)


def scope(raw_key: str | None, path: str = "/api/v1/messages") -> dict:
    headers = [(b"authorization", f"Bearer {raw_key}".encode())] if raw_key else []
    return {"type": "http", "path": path, "headers": headers}


def outcome(name: str) -> float:
    sample = REGISTRY.get_sample_value("isv_api_tenant_concurrency_total", {"outcome": name})
    return sample or 0.0


class Held:
    """An application whose requests stay in flight until `release` (or raise on /boom)."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, scope, receive, send) -> None:
        self.started += 1
        if scope["path"] == "/api/boom":
            raise RuntimeError("boom")
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


async def call(limited, request_scope) -> dict:
    answer: dict = {"body": b""}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = dict(message["headers"])
        else:
            answer["body"] += message.get("body", b"")

    try:
        await limited(request_scope, None, send)
    except RuntimeError as err:
        answer["raised"] = str(err)
    return answer


def test_the_request_beyond_a_tenants_limit_is_refused_while_another_tenants_goes_through(
    redis_url,
):
    record_tenants(redis_url, **{KEY_A: 1, KEY_B: 2})
    refused_before = outcome("refused")

    async def run():
        app = Held()
        limited = TenantConcurrencyLimit(app, limit=3, redis_url=redis_url, retry_after=2)
        holding = [asyncio.create_task(call(limited, scope(KEY_A))) for _ in range(3)]
        while app.started < 3:
            await asyncio.sleep(0.01)
        beyond = await call(limited, scope(KEY_A))
        other = asyncio.create_task(call(limited, scope(KEY_B)))
        while app.started < 4:
            await asyncio.sleep(0.01)
        app.release.set()
        held = await asyncio.gather(*holding, other)
        after = await call(limited, scope(KEY_A))  # the places came back
        return beyond, held, after, app.started

    beyond, held, after, started = run_in_a_loop_of_its_own(run)
    assert beyond["status"] == 429
    assert beyond["headers"][b"retry-after"] == b"2"
    error = json.loads(beyond["body"])["error"]
    assert error["code"] == "too_many_concurrent_requests" and error["fields"] == {}
    assert [a["status"] for a in held] == [200] * 4
    assert after["status"] == 200
    assert started == 5  # the refused request never reached the application
    assert outcome("refused") == refused_before + 1
    assert redis.Redis.from_url(redis_url).zcard(f"{concurrency.KEY_PREFIX}t1") == 0


def test_a_request_that_raises_gives_its_place_back(redis_url):
    record_tenants(redis_url, **{KEY_A: 1})

    async def run():
        limited = TenantConcurrencyLimit(Held(), limit=1, redis_url=redis_url)
        first = await call(limited, {**scope(KEY_A), "path": "/api/boom"})
        second = await call(limited, {**scope(KEY_A), "path": "/api/boom"})
        return first, second

    first, second = run_in_a_loop_of_its_own(run)
    assert first["raised"] == second["raised"] == "boom"  # not a 429: the place came back
    assert redis.Redis.from_url(redis_url).zcard(f"{concurrency.KEY_PREFIX}t1") == 0


def test_the_place_is_free_before_the_answer_arrives(redis_url):
    """A client sending one request after another (its next the moment it has the answer)
    is never refused, whatever the limit."""
    record_tenants(redis_url, **{KEY_A: 1})
    places = redis.Redis.from_url(redis_url)
    held_when_answered = []

    async def run():
        app = Held()
        app.release.set()
        limited = TenantConcurrencyLimit(app, limit=1, redis_url=redis_url)

        async def send(message):
            if message["type"] == "http.response.start":
                held_when_answered.append(places.zcard(f"{concurrency.KEY_PREFIX}t1"))

        for _ in range(3):
            await limited(scope(KEY_A), None, send)

    run_in_a_loop_of_its_own(run)
    assert held_when_answered == [0, 0, 0]


def test_a_refusal_is_answered_after_the_delay(redis_url):
    record_tenants(redis_url, **{KEY_A: 1})

    async def run():
        app = Held()
        limited = TenantConcurrencyLimit(app, limit=1, redis_url=redis_url, refusal_delay=0.3)
        holding = asyncio.create_task(call(limited, scope(KEY_A)))
        while app.started < 1:
            await asyncio.sleep(0.01)
        began = time.monotonic()
        refused = await call(limited, scope(KEY_A))
        waited = time.monotonic() - began
        app.release.set()
        await holding
        return refused, waited

    refused, waited = run_in_a_loop_of_its_own(run)
    assert refused["status"] == 429 and waited >= 0.3


def test_a_place_never_given_back_expires(redis_url):
    record_tenants(redis_url, **{KEY_A: 1})
    places = f"{concurrency.KEY_PREFIX}t1"
    redis.Redis.from_url(redis_url).zadd(places, {"dead-process": 1.0})  # long ago

    async def run():
        app = Held()
        app.release.set()
        limited = TenantConcurrencyLimit(app, limit=1, redis_url=redis_url, ttl=60)
        return await call(limited, scope(KEY_A))

    assert run_in_a_loop_of_its_own(run)["status"] == 200


def test_unknown_keys_other_paths_and_portal_requests_are_not_counted(redis_url):
    record_tenants(redis_url)

    async def run():
        app = Held()
        app.release.set()
        limited = TenantConcurrencyLimit(app, limit=1, redis_url=redis_url)
        return [
            (await call(limited, request_scope))["status"]
            for request_scope in (scope(KEY_A), scope(KEY_A), scope(None), scope(KEY_B, "/x"))
        ]

    assert run_in_a_loop_of_its_own(run) == [200, 200, 200, 200]


def test_without_redis_every_request_goes_through_counted_and_logged(caplog):
    caplog.set_level(logging.WARNING, logger="isvplatform.failopen")
    before = failopen.failopen_counts().get("api_concurrency", 0)

    async def run():
        app = Held()
        app.release.set()
        limited = TenantConcurrencyLimit(app, limit=1, redis_url=DEAD_REDIS)
        return [(await call(limited, scope(KEY_A)))["status"] for _ in range(3)]

    assert run_in_a_loop_of_its_own(run) == [200, 200, 200]
    assert failopen.failopen_counts()["api_concurrency"] == before + 3
    assert "api_concurrency unavailable, failing open" in caplog.text


@pytest.mark.django_db
def test_an_authenticated_key_records_its_tenant_for_the_limit(redis_url):
    record_tenants(redis_url)
    tenant = TenantFactory()
    raw_key = make_api_key(tenant)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    with override_settings(API_TENANT_CONCURRENCY=2, API_TENANT_CONCURRENCY_REDIS_URL=redis_url):
        assert client.get("/api/v1/messages").status_code == 200
    stored = redis.Redis.from_url(redis_url).get(concurrency._tenant_record(key_digest(raw_key)))
    assert stored == str(tenant.pk).encode()


@pytest.mark.django_db
def test_recording_a_tenant_without_redis_fails_open(caplog):
    caplog.set_level(logging.WARNING, logger="isvplatform.failopen")
    with override_settings(API_TENANT_CONCURRENCY=2, API_TENANT_CONCURRENCY_REDIS_URL=DEAD_REDIS):
        remember_key_tenant(KEY_A, 1)
    assert "recording a key's tenant" in caplog.text
