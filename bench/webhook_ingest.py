"""Status-callback ingestion under gunicorn (2 workers, PostgreSQL), against a trivial view.

Starts the platform under gunicorn with one extra route, `/bench/trivial` (a Django view that
returns 200 through the same middleware), then fires from this second process, over loopback,
signed Twilio status callbacks for messages that exist, and measures callbacks/s, p50/p99
latency and the ratio to the trivial view in the same run and server. Then it replays 100,000
signed callbacks with 20% duplicates in shuffled order and checks that every one was applied
exactly once and that no final status regressed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench \\
        .venv/bin/python bench/webhook_ingest.py [--callbacks 20000] [--replay 100000]

The database named in DATABASE_URL is created if missing and its messaging tables emptied.
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/isv_bench"
STATUS_PATH = "/webhooks/twilio/status"
TRIVIAL_PATH = "/bench/trivial"
TENANTS = 10


# --- the server side: the platform's URLs plus one trivial view ---------------------------


def _trivial(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def __getattr__(name: str):
    """`urlpatterns` of this module (the bench server's ROOT_URLCONF), built on first use."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import path

    from isvplatform.urls import urlpatterns as platform

    return [path(TRIVIAL_PATH.lstrip("/"), _trivial), *platform]


def wsgi_application():
    """gunicorn entry point: the platform's WSGI app with this module as the URL conf."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


# --- setup --------------------------------------------------------------------------------


def configure(var_dir: Path, database_url: str, port: int) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
        "ISV_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "false",
        "CONN_MAX_AGE": "600",
        "TWILIO_MODE": "sandbox",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return env


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(count: int) -> list[dict]:
    """`count` queued messages spread over tenants with their own subaccounts (and tokens)."""
    import uuid

    from django.db import connection
    from django.utils import timezone

    from messaging.models import Message, WebhookEvent
    from provisioning.models import TwilioSubaccount
    from tenants.models import Tenant

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {WebhookEvent._meta.db_table}, {Message._meta.db_table} CASCADE")
    accounts = []
    for i in range(TENANTS):
        tenant, _ = Tenant.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench {i}"})
        sub = TwilioSubaccount.objects.filter(tenant=tenant).first()
        if sub is None:
            sub = TwilioSubaccount(
                tenant=tenant,
                friendly_name=f"bench {i}",
                sid="AC" + uuid.uuid4().hex,
                status=TwilioSubaccount.Status.ACTIVE,
            )
            sub.auth_token = uuid.uuid4().hex
            sub.save()
        accounts.append((tenant, sub.sid, sub.auth_token.reveal()))
    now = timezone.now()
    rows, plan = [], []
    for n in range(count):
        tenant, account_sid, token = accounts[n % TENANTS]
        sid = f"SM{uuid.uuid4().hex}"
        to = f"+1628{n % 10_000_000:07d}"
        rows.append(
            Message(
                tenant=tenant,
                direction="outbound",
                channel="sms",
                from_number="+18335550100",
                to_number=to,
                body=f"bench {n}",
                account_sid=account_sid,
                sid=sid,
                status="queued",
                status_rank=10,
                segments=1,
                encoding="GSM-7",
                created_at=now,
                updated_at=now,
            )
        )
        plan.append({"sid": sid, "account_sid": account_sid, "token": token, "to": to})
    Message.objects.bulk_create(rows, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh rows get planner statistics, as in production
            cursor.execute(f"VACUUM ANALYZE {Message._meta.db_table}")
    return plan


# --- requests -----------------------------------------------------------------------------


def callback_request(port: int, message: dict, status: str, error_code: str = "") -> bytes:
    from urllib.parse import urlencode

    from isvplatform.gateway import compute_signature

    params = {
        "AccountSid": message["account_sid"],
        "ApiVersion": "2010-04-01",
        "From": "+18335550100",
        "MessageSid": message["sid"],
        "MessageStatus": status,
        "SmsSid": message["sid"],
        "SmsStatus": status,
        "To": message["to"],
    }
    if error_code:
        params["ErrorCode"] = error_code
    signature = compute_signature(message["token"], f"http://127.0.0.1:{port}{STATUS_PATH}", params)
    body = urlencode(params).encode()
    head = (
        f"POST {STATUS_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"X-Twilio-Signature: {signature}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def trivial_request(port: int) -> bytes:
    return (
        f"GET {TRIVIAL_PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    ).encode()


async def _fire(port: int, requests: list[bytes], concurrency: int) -> tuple[list, list, float]:
    latencies: list[float] = []
    statuses: list[int] = []
    queue = iter(requests)

    async def worker() -> None:
        for payload in queue:
            started = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(payload)
            data = await reader.read()
            writer.close()
            latencies.append(time.perf_counter() - started)
            statuses.append(int(data[9:12]) if len(data) >= 12 else 0)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, statuses, time.perf_counter() - started


def fire(port: int, requests: list[bytes], concurrency: int) -> dict:
    latencies, statuses, elapsed = asyncio.run(_fire(port, requests, concurrency))
    ordered = sorted(latencies)
    return {
        "count": len(latencies),
        "elapsed": elapsed,
        "rate": len(latencies) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "statuses": {s: statuses.count(s) for s in set(statuses)},
    }


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}",
            "--backlog", "2048",
            "--log-level", "warning",
            "bench.webhook_ingest:wsgi_application()",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{TRIVIAL_PATH}", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


# --- checks -------------------------------------------------------------------------------


def check_applied(plan: list[dict], expected_final: dict[str, str], unique_events: int) -> list:
    from messaging.models import Message, WebhookEvent

    problems = []
    sids = [m["sid"] for m in plan]
    events = WebhookEvent.objects.filter(message_sid__in=sids).count()
    if events != unique_events:
        problems.append(f"{events} raw events recorded for {unique_events} distinct callbacks")
    finals = dict(Message.objects.filter(sid__in=sids).values_list("sid", "status"))
    wrong = [sid for sid, status in expected_final.items() if finals.get(sid) != status]
    if wrong:
        problems.append(f"{len(wrong)} messages not in their final status (e.g. {wrong[:3]})")
    return problems


def report(label: str, result: dict) -> None:
    print(
        f"{label:<28} {result['count']:>7} requests in {result['elapsed']:6.2f} s  "
        f"{result['rate']:8.0f}/s  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
        f"statuses {result['statuses']}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--callbacks", type=int, default=20_000)
    parser.add_argument("--replay", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--var-dir", default="/tmp/isv-bench")
    args = parser.parse_args()

    port = free_port()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    env = configure(var_dir, os.environ.get("DATABASE_URL", DEFAULT_DB), port)

    # Part 1: sustained rate. Every message gets `sent` then `delivered`.
    plan = seed(args.callbacks // 2)
    requests = []
    for status in ("sent", "delivered"):
        requests += [callback_request(port, m, status) for m in plan]
    trivial = [trivial_request(port)] * len(requests)

    server = start_gunicorn(env, port, args.workers)
    try:
        fire(port, trivial[:2000], args.concurrency)  # warm up workers and connections
        base = fire(port, trivial, args.concurrency)
        result = fire(port, requests, args.concurrency)
        report("trivial view", base)
        report("status callbacks", result)
        ratio = result["rate"] / base["rate"]
        print(f"ratio to the trivial view: {ratio:.2f}")
        problems = check_applied(plan, {m["sid"]: "delivered" for m in plan}, len(requests))

        # Part 2: 100,000 callbacks, 20% duplicates, shuffled; 10% end undelivered.
        unique = int(args.replay * 0.8)
        replay_plan = seed(unique // 2)
        rng = random.Random(6)
        events, finals = [], {}
        for message in replay_plan:
            last = "undelivered" if rng.random() < 0.1 else "delivered"
            finals[message["sid"]] = last
            events.append(callback_request(port, message, "sent"))
            events.append(
                callback_request(port, message, last, "30003" if last == "undelivered" else "")
            )
        replay = events + [rng.choice(events) for _ in range(args.replay - len(events))]
        rng.shuffle(replay)
        replayed = fire(port, replay, args.concurrency)
        report("replay (20% duplicates)", replayed)
        problems += check_applied(replay_plan, finals, len(events))
        if replayed["elapsed"] > 120:
            problems.append(f"the replay took {replayed['elapsed']:.0f} s (limit 120 s)")
    finally:
        server.terminate()
        server.wait(timeout=30)

    targets = [
        (result["rate"] >= 1000, f"callbacks/s {result['rate']:.0f} >= 1000"),
        (ratio >= 0.3, f"ratio {ratio:.2f} >= 0.3"),
        (result["p99_ms"] <= 50, f"p99 {result['p99_ms']:.1f} ms <= 50 ms"),
        (not problems, "every callback applied exactly once, no final status regressed"),
    ]
    for ok, text in targets:
        print(("PASS " if ok else "FAIL ") + text)
    for problem in problems:
        print("  problem:", problem)
    return 0 if all(ok for ok, _ in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
