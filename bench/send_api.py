"""Sending through the API (PostgreSQL, worker stopped): single sends at 8 concurrent clients,
batches of 1,000, and a trivial view through the same stack in the same run.

What is timed, in-process (Django's test client in threads, one PostgreSQL connection per
thread): `POST /api/v1/messages` with an API key, from 8 threads at once (sends/s and
p50/p95/p99 latency); `POST /api/v1/messages/batch` with 1,000 messages per request from one
client (messages/s); and `POST /bench/trivial` (`bench/send_api_urls.py`: the same
middleware, API-key authentication, tenant permission and throttle, no work of its own) from
8 threads, whose rate each figure is divided by. In-process, so the figures hold the
platform's own cost and not an HTTP server's or a load generator's (on a 2-CPU box those
would share the CPUs with what they measure); the ratio to the trivial view holds for a
server too. Threads share one interpreter, so the rates are bound by one CPU's worth of
Python: a server with N worker processes multiplies them (up to the database's share).

Nothing is delivered: Celery's broker is a filesystem transport in the bench's own directory
(no worker reads it), so enqueueing on commit costs one file per task, as a publish to a
broker would cost a round trip; the last line compares a batch's 1,000 publishes with its
one fan-out task. The cache (throttle, remembered senders) is Redis database 9
at 127.0.0.1:6379 (BENCH_REDIS_URL; "none" for the file cache of a machine without Redis).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_send \\
        .venv/bin/python bench/send_api.py [--sends 4000] [--batches 10] [--clients 8]

The database named in DATABASE_URL is created if missing, migrated, and its messages emptied.
Targets: single sends >= 400/s with p99 <= 50 ms; batches >= 5,000 messages/s.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANT_SLUG = "bench-send-api"
SENDER = "+18335550100"
TARGET_SENDS_PER_S = 400
TARGET_P99_MS = 50.0
TARGET_BATCH_PER_S = 5000
BATCH_SIZE = 1000


def configure(var_dir: Path, database_url: str) -> None:
    if not database_url.startswith("postgres"):
        sys.exit("bench/send_api.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
            "ISV_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "ERROR",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "TWILIO_MODE": "sandbox",
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "API_THROTTLE_RATE": "10000000/min",
        }
    )
    if redis_url == "none":
        os.environ.pop("REDIS_URL", None)
    else:
        os.environ["REDIS_URL"] = redis_url
    for folder in ("queue", "processed", "control"):
        (var_dir / "broker" / folder).mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    from bench.webhook_ingest import _create_database

    _create_database(database_url)
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    settings.ROOT_URLCONF = "bench.send_api_urls"
    call_command("migrate", verbosity=0, interactive=False)


def seed() -> str:
    """One tenant with an active subaccount and a verified toll-free number; its API key."""
    import secrets

    from django.db import connection

    from compliance.models import ReviewStatus, TollFreeVerification
    from messaging.models import Conversation, Message
    from messaging.services.sender_cache import forget_senders
    from provisioning.models import PhoneNumber, TwilioSubaccount
    from tenants.models import Tenant
    from tenants.services import Actor, api_key_create

    with connection.cursor() as cursor:
        tables = (Conversation._meta.db_table, Message._meta.db_table)
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    tenant, _ = Tenant.objects.get_or_create(slug=TENANT_SLUG, defaults={"name": "Bench Send"})
    sub = TwilioSubaccount.objects.filter(tenant=tenant).first() or TwilioSubaccount.objects.create(
        tenant=tenant,
        friendly_name="Bench Send",
        sid="AC" + secrets.token_hex(16),
        auth_token=secrets.token_hex(16),
        status=TwilioSubaccount.Status.ACTIVE,
    )
    number = PhoneNumber.objects.filter(tenant=tenant).first() or PhoneNumber.objects.create(
        tenant=tenant,
        subaccount=sub,
        phone_number=SENDER,
        sid="PN" + secrets.token_hex(16),
        status=PhoneNumber.Status.ACTIVE,
        number_type=PhoneNumber.NumberType.TOLL_FREE,
        is_primary=True,
    )
    if not TollFreeVerification.objects.filter(phone_number=number).exists():
        TollFreeVerification.objects.create(
            tenant=tenant,
            phone_number=number,
            sid="HH" + secrets.token_hex(16),
            status=ReviewStatus.APPROVED,
            raw_status="TWILIO_APPROVED",
        )
    forget_senders(tenant.pk)  # the cache is shared: only the bench tenant's entry goes
    return api_key_create(tenant=tenant, name="bench", actor=Actor.system())[1]


def recipient(n: int) -> str:
    return f"+1628555{n % 10000:04d}"


def run_clients(raw_key: str, path: str, clients: int, requests: int, payload) -> dict:
    """`requests` POSTs spread over `clients` threads: latencies (ms) and the wall time."""
    from django.db import connection
    from django.test import Client

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_client = requests // clients
    barrier = threading.Barrier(clients + 1)

    def client_loop(k: int) -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        client.post(path, payload(k, -1), content_type="application/json")  # warm
        mine = []
        barrier.wait()
        for i in range(per_client):
            started = time.perf_counter()
            response = client.post(path, payload(k, i), content_type="application/json")
            mine.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 201):
                failures.append(f"{response.status_code}: {response.content[:200]!r}")
        with lock:
            latencies.extend(mine)
        connection.close()

    threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started, cpu_started = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu_started) * 1000
    if failures:
        sys.exit(f"{path} failed {len(failures)} times, e.g. {failures[0]}")
    count = per_client * clients
    return {"latencies": latencies, "wall": wall, "count": count, "cpu_ms": cpu_ms / count}


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def queries_of(raw_key: str, path: str, body) -> int:
    import json

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, json.dumps(body), content_type="application/json")
    assert response.status_code in (200, 201), response.content[:300]
    return len(queries)


def enqueue_costs(count: int = BATCH_SIZE) -> tuple[float, float]:
    """Publishing a batch's send tasks one by one against one fan-out task (ms), on the
    bench's broker: why a batch enqueues `messaging.send_many`."""
    import uuid

    from messaging import enqueue

    ids = [str(uuid.uuid4()) for _ in range(count)]
    started = time.perf_counter()
    for message_id in ids:
        enqueue.publish(enqueue.SEND, message_id)
    one_by_one = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    enqueue.publish(enqueue.SEND_MANY, ids)
    return one_by_one, (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sends", type=int, default=4000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--var-dir", default="/tmp/isv-bench-send")
    parser.add_argument("--single-only", action="store_true", help="no batch endpoint yet")
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(var_dir, os.environ.get("DATABASE_URL", ""))
    import json

    raw_key = seed()

    def single(k: int, i: int) -> str:
        return json.dumps({"to": recipient(k * 1000 + i + 1), "body": "Your table is ready"})

    def trivial(k: int, i: int) -> str:
        return json.dumps({"to": recipient(i), "body": "Your table is ready"})

    def batch(k: int, i: int) -> str:
        start = (i + 1) * BATCH_SIZE
        messages = [{"to": recipient(start + j), "body": "Sale today"} for j in range(BATCH_SIZE)]
        return json.dumps({"messages": messages})

    problems = []
    load = os.getloadavg()
    trivial_run = run_clients(raw_key, "/bench/trivial", args.clients, args.sends, trivial)
    sends = run_clients(raw_key, "/api/v1/messages", args.clients, args.sends, single)
    trivial_rate = trivial_run["count"] / trivial_run["wall"]
    send_rate = sends["count"] / sends["wall"]
    p50, p95, p99 = (percentile(sends["latencies"], q) for q in (0.50, 0.95, 0.99))
    queries_of(raw_key, "/api/v1/messages", {"to": recipient(9998), "body": "q"})  # warm
    send_queries = queries_of(raw_key, "/api/v1/messages", {"to": recipient(9999), "body": "q"})
    print(f"trivial view, {args.clients} clients: {trivial_rate:,.0f} requests/s, p50 "
          f"{percentile(trivial_run['latencies'], 0.5):.1f} ms, "
          f"{trivial_run['cpu_ms']:.2f} ms of CPU per request")  # fmt: skip
    print(f"single sends, {args.clients} clients x{sends['count']:,}: {send_rate:,.0f} sends/s "
          f"({send_rate / trivial_rate:.2f} of the trivial view), p50 {p50:.1f} ms, p95 "
          f"{p95:.1f} ms, p99 {p99:.1f} ms; {sends['cpu_ms']:.2f} ms of CPU per send "
          f"({sends['cpu_ms'] / trivial_run['cpu_ms']:.1f}x the trivial view's); "
          f"{send_queries} queries per send with its sender remembered "
          f"(target >= {TARGET_SENDS_PER_S}/s, p99 <= {TARGET_P99_MS:.0f} ms)")  # fmt: skip
    if send_rate < TARGET_SENDS_PER_S:
        problems.append(f"single sends: {send_rate:,.0f}/s is under the target")
    if p99 > TARGET_P99_MS:
        problems.append(f"single sends: p99 {p99:.1f} ms is over the target")

    if not args.single_only:
        batches = run_clients(raw_key, "/api/v1/messages/batch", 1, args.batches, batch)
        batch_rate = batches["count"] * BATCH_SIZE / batches["wall"]
        batch_queries = queries_of(
            raw_key, "/api/v1/messages/batch", json.loads(batch(0, args.batches + 1))
        )
        print(f"batches of {BATCH_SIZE:,}, 1 client x{batches['count']}: {batch_rate:,.0f} "
              f"messages/s ({batch_rate / trivial_rate:.2f}x the trivial view's requests/s), "
              f"p50 {percentile(batches['latencies'], 0.5):.0f} ms per batch, "
              f"{batches['cpu_ms'] / BATCH_SIZE:.3f} ms of CPU per message; "
              f"{batch_queries} queries per batch "
              f"(target >= {TARGET_BATCH_PER_S:,}/s)")  # fmt: skip
        if batch_rate < TARGET_BATCH_PER_S:
            problems.append(f"batches: {batch_rate:,.0f} messages/s is under the target")
        one_by_one, fan_out = enqueue_costs()
        print(f"enqueueing {BATCH_SIZE:,} sends: {one_by_one:,.0f} ms as {BATCH_SIZE:,} tasks, "
              f"{fan_out:.1f} ms as one fan-out task")  # fmt: skip

    from messaging.models import Message

    print(f"stored {Message.objects.count():,} queued messages; load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the start, "
          f"{os.getloadavg()[0]:.1f} at the end, on {os.cpu_count()} CPUs")  # fmt: skip
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
