"""The production layout at small scale: two web servers (the `run_platform` command) and
two Celery workers on the named queues (isvplatform/routing.py), one database and one
broker (PostgreSQL and Redis on CI, SQLite and the filesystem broker without REDIS_URL).

300 sends through the API, spread over both servers; every tenth is retried at once with
the same Idempotency-Key on the other server, and a request answered 429/5xx (or not at all)
is retried there too, as a client would. Then every send task is published a second time,
for both workers to race on. The sandbox (Twilio) must hold each message exactly once.
The periodic half, two beats with one lock, is isvplatform/tests/test_beat_lock.py."""

import json
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from broadcasts.tests.factories_dispatch import sandbox_counts
from isvplatform.celery import app as celery_app
from isvplatform.routing import NAMED_QUEUES, SENDING
from isvplatform.testing.web import start_web_server
from isvplatform.testing.worker import start_worker, wait_for
from messaging.models import Message
from messaging.tests.conftest import provision_tenant
from tenants.tests.factories import TenantFactory, make_api_key

pytestmark = pytest.mark.integration

SENDS = 300
RETRIED_EVERY = 10
ATTEMPTS = 6


def number(i: int) -> str:
    return f"+1628555{i:04d}"


def post_send(base_url: str, key: str, i: int) -> tuple[int, dict]:
    body = json.dumps({"to": number(i), "body": f"scale-out {i}"}).encode()
    request = urllib.request.Request(
        f"{base_url}/api/v1/messages",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"scale-{i}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, {}
    except OSError:
        return 0, {}  # no answer: the client can't know whether it was done


def send_until_answered(servers: list[str], key: str, i: int, first: int) -> list[tuple]:
    """Every answer of send `i`, starting on server `first` and moving to the other one
    after a 429, a 5xx or no answer, with the same Idempotency-Key."""
    answers = []
    for attempt in range(ATTEMPTS):
        status, body = post_send(servers[(first + attempt) % 2], key, i)
        answers.append((status, body.get("id")))
        if status in (200, 201):
            break
    return answers


def start_platform(tmp_path, env: dict[str, str]):
    queue, prefix = env["CELERY_QUEUE"], env["CELERY_QUEUE_PREFIX"]
    routed = [f"{prefix}{q}" for q in NAMED_QUEUES]
    first = start_worker(tmp_path, extra_env=env, queue=queue, more_queues=routed)
    second = start_worker(tmp_path, extra_env=env, queue=queue, more_queues=routed)
    webs = [start_web_server(tmp_path, extra_env=env) for _ in range(2)]
    return [first, second], webs


def test_two_webs_and_two_workers_send_each_message_exactly_once(transactional_db, tmp_path):
    provisioned = provision_tenant(TenantFactory())
    key = make_api_key(provisioned.tenant)[1]
    queue = f"scale-{uuid.uuid4().hex[:8]}"
    env = {
        "CELERY_QUEUE": queue,
        "CELERY_QUEUE_ROUTING": "true",
        "CELERY_QUEUE_PREFIX": f"{queue}-",
        "BILLING_RAMP_UP_LEVELS": "",  # no daily quota for the new tenant
        "API_THROTTLE_RATE": "100000/min",
    }
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        env["CELERY_WORKER_PREFETCH_MULTIPLIER"] = "25"  # as run_platform does
    workers, webs = start_platform(tmp_path, env)
    try:
        servers = [web.url for web in webs]
        jobs = [(i, i % 2) for i in range(SENDS)]
        jobs += [(i, (i + 1) % 2) for i in range(0, SENDS, RETRIED_EVERY)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = pool.map(lambda job: send_until_answered(servers, key, *job), jobs)
            results = list(zip((i for i, _ in jobs), answers, strict=True))
        ids_per_send: dict[int, set] = {}
        for i, answers in results:
            ids_per_send.setdefault(i, set()).update(mid for s, mid in answers if mid)
        assert all(len(ids) == 1 for ids in ids_per_send.values()), ids_per_send
        assert len(ids_per_send) == SENDS

        messages = Message.objects.filter(tenant=provisioned.tenant)
        wait_for(lambda: messages.filter(sid__isnull=False).count() == SENDS, timeout=300)
        assert messages.count() == SENDS

        # Each send task once more, for both workers to race on: a duplicate changes nothing.
        conf, sending = celery_app.conf, f"{queue}-{SENDING}"
        eager, conf.CELERY_TASK_ALWAYS_EAGER = conf.CELERY_TASK_ALWAYS_EAGER, False
        try:
            for message_id in messages.values_list("pk", flat=True):
                celery_app.send_task("messaging.send", [str(message_id)], queue=sending)
        finally:
            conf.CELERY_TASK_ALWAYS_EAGER = eager

        def replayed() -> bool:
            return sum(w.log().count("'already_handled'") for w in workers) >= SENDS

        wait_for(replayed, timeout=300)
    finally:
        for web in webs:
            web.stop()
        for worker in workers:
            worker.stop()

    counts = sandbox_counts(number(i) for i in range(SENDS))
    duplicated = sum(n - 1 for n in counts.values() if n > 1)
    lost = SENDS - len(counts)
    statuses = Counter(s for _, answers in results for s, _ in answers)
    per_worker = [w.log().count("Task messaging.send[") for w in workers]
    print(f"scale-out: {SENDS} sends, answers {dict(statuses)}, sandbox messages "
          f"{sum(counts.values())}, duplicated {duplicated}, lost {lost}, "
          f"send tasks per worker {per_worker}")  # fmt: skip
    assert (duplicated, lost) == (0, 0)
    assert all(n > 0 for n in per_worker), per_worker  # both workers sent
    served = [web.log().count("POST /api/v1/messages") for web in webs]
    assert all(n > 0 for n in served), served  # both servers answered
