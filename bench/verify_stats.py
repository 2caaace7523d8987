"""The verification stats endpoint over 1,000,000 attempts (PostgreSQL), for one tenant and 30 days.

Seeds the attempts across 100 tenants set-based (one INSERT … SELECT over generate_series,
spread over the last 90 days, four channels, ten countries, approvals, expiries and Twilio
refusals), builds the daily rollups with `verify.rollups.rollups_rebuild`, checks them
against counts of the raw attempts, then times `GET /api/v1/verifications/stats` for one
tenant over the last 30 days through the real API view, authenticated with an API key, in
the Django test client (in-process: no HTTP server in the figure), and prints p50/p95/p99.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_verify \\
        .venv/bin/python bench/verify_stats.py [--attempts 1000000] [--requests 200]

The database named in DATABASE_URL is created if missing and its verify tables emptied.
The target: p95 under 100 ms.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANTS = 100
DAYS = 90
PERIOD_DAYS = 30
TARGET_P95_MS = 100.0


def configure(var_dir: Path, database_url: str) -> None:
    if not database_url.startswith("postgres"):
        sys.exit("bench/verify_stats.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
            "ISV_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "TWILIO_MODE": "sandbox",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    from bench.webhook_ingest import _create_database

    _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def tenants_with_services() -> list[int]:
    """The bench's 100 tenants, each with an active Verify service; their ids."""
    import secrets

    from tenants.models import Tenant
    from verify.models import VerifyService

    ids = []
    for i in range(TENANTS):
        tenant, _ = Tenant.objects.get_or_create(
            slug=f"bench-verify-{i}", defaults={"name": f"Bench Verify {i}"}
        )
        if not VerifyService.objects.filter(tenant=tenant).exists():
            service = VerifyService(
                tenant=tenant,
                brand_name=f"Bench {i}",
                enabled=True,
                status=VerifyService.Status.ACTIVE,
                twilio_sid="VA" + secrets.token_hex(16),
            )
            service.token_secret = secrets.token_hex(32)
            service.save()
        ids.append(tenant.pk)
    return ids


# Pseudo-random but reproducible per row: a multiplicative hash of n in [0, 1).
_U1 = "((n::bigint * 2654435761) %% 4294967296) / 4294967296.0"
_U2 = "((n::bigint * 40503 + 7) %% 65536) / 65536.0"
SEED_SQL = f"""
WITH svc AS (
    SELECT tenant_id, id, (row_number() OVER (ORDER BY tenant_id)) - 1 AS k
    FROM verify_verifyservice WHERE tenant_id = ANY(%(tenants)s)
), rows AS (
    SELECT n, {_U1} AS r, {_U2} AS s,
           now() - ((n::bigint * 7919) %% (%(days)s * 86400)) * interval '1 second' AS sent
    FROM generate_series(0, %(count)s - 1) AS n
)
INSERT INTO verify_verificationattempt
    (tenant_id, service_id, "to", channel, country, locale, status, twilio_sid, price,
     price_unit, source, error_code, error_message, created_at, approved_at, updated_at,
     send_count)
SELECT svc.tenant_id, svc.id,
       '+1628' || lpad((n %% 10000000)::text, 7, '0'),
       (ARRAY['sms', 'sms', 'sms', 'sms', 'whatsapp', 'whatsapp', 'call', 'email'])
           [1 + (n / 100) %% 8],
       (ARRAY['US', 'US', 'US', 'GB', 'CA', 'DE', 'FR', 'BR', 'IN', 'MX'])
           [1 + ((n / 100) * 3 + n / 800) %% 10],
       'en',
       CASE WHEN r < 0.72 THEN 'approved' WHEN r < 0.82 THEN 'expired'
            WHEN r < 0.88 THEN 'failed' WHEN r < 0.92 THEN 'max_attempts_reached'
            WHEN r < 0.95 THEN 'canceled' ELSE 'pending' END,
       'VE' || md5(n::text),
       (ARRAY[0.05, 0.05, 0.05, 0.05, 0.0525, 0.0525, 0.065, 0.05])[1 + (n / 100) %% 8],
       'USD', 'api',
       CASE WHEN r >= 0.82 AND r < 0.88 THEN (ARRAY['60410', '60205', '60605'])[1 + n %% 3]
            ELSE '' END,
       '', sent,
       CASE WHEN r < 0.72 THEN sent + make_interval(secs => 4 + s * s * 400) END,
       sent,
       1
FROM rows JOIN svc ON svc.k = rows.n %% {TENANTS}
"""


def seed(count: int) -> list[int]:
    from django.db import connection

    tenant_ids = tenants_with_services()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE verify_verificationdailyrollup, verify_verificationcheck, "
            "verify_widgettoken, verify_verificationattempt"
        )
        cursor.execute(SEED_SQL, {"tenants": tenant_ids, "count": count, "days": DAYS})
        cursor.execute("VACUUM ANALYZE verify_verificationattempt")
    return tenant_ids


def build_rollups() -> int:
    from django.db import connection
    from django.utils import timezone

    from verify.rollups import day_of, rollups_rebuild

    today = day_of(timezone.now())
    written = rollups_rebuild(today - dt.timedelta(days=n) for n in range(DAYS + 1))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE verify_verificationdailyrollup")
    return written


def check_against_attempts(tenant_id: int, body: dict) -> list[str]:
    """The endpoint's totals against counts of the raw attempts of the same period."""
    from verify.models import VerificationAttempt
    from verify.rollups import day_bounds

    start = day_bounds(dt.date.fromisoformat(body["period"]["from"]))[0]
    end = day_bounds(dt.date.fromisoformat(body["period"]["to"]))[1]
    attempts = VerificationAttempt.objects.for_tenant(tenant_id).filter(
        created_at__gte=start, created_at__lt=end
    )
    expected = (attempts.count(), attempts.filter(status="approved").count())
    got = (body["totals"]["attempts"], body["totals"]["approved"])
    return [] if got == expected else [f"totals {got} != attempts counted {expected}"]


def time_requests(tenant_id: int, requests: int) -> tuple[list[float], float, dict]:
    """Wall-clock latencies (ms), this process's mean CPU ms per request, the last answer."""
    from django.test import Client
    from django.utils import timezone

    from tenants.models import APIKey, Tenant
    from tenants.services import Actor, api_key_create
    from verify.rollups import day_of

    tenant = Tenant.objects.get(pk=tenant_id)
    _, raw_key = api_key_create(
        tenant=tenant, name="bench", scopes=[APIKey.Scope.values[0]], actor=Actor.system()
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    today = day_of(timezone.now())
    params = {"from": (today - dt.timedelta(days=PERIOD_DAYS - 1)).isoformat(), "to": today}
    url = "/api/v1/verifications/stats"
    for _ in range(10):  # warm up: connection, caches, imports
        body = client.get(url, params)
    latencies = []
    cpu_started = time.process_time()
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, params)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"stats answered {response.status_code}: {response.content[:300]!r}")
    cpu_ms = (time.process_time() - cpu_started) * 1000 / requests
    return latencies, cpu_ms, body.json()


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--var-dir", default="/tmp/isv-bench-verify")
    parser.add_argument(
        "--reuse", action="store_true", help="time only: keep the attempts and rollups seeded"
    )
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(var_dir, os.environ.get("DATABASE_URL", ""))

    if args.reuse:
        tenant_ids = tenants_with_services()
    else:
        started = time.perf_counter()
        tenant_ids = seed(args.attempts)
        print(f"seeded {args.attempts:,} attempts over {TENANTS} tenants and {DAYS} days "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        rows = build_rollups()
        print(f"built {rows:,} daily rollup rows in {time.perf_counter() - started:.1f} s")

    latencies, cpu_ms, body = time_requests(tenant_ids[0], args.requests)
    problems = check_against_attempts(tenant_ids[0], body)
    p50, p95, p99 = (percentile(latencies, q) for q in (0.50, 0.95, 0.99))
    totals, took = body["totals"], body["totals"]["time_to_verify"]
    print(f"one tenant, {PERIOD_DAYS} days: {totals['attempts']:,} attempts, "
          f"{totals['conversion_rate']:.1%} verified, median {took['median_seconds']} s, "
          f"p90 {took['p90_seconds']} s, cost {totals['cost']['amount']} USD")  # fmt: skip
    print(f"GET /api/v1/verifications/stats x{args.requests}: p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms, p99 {p99:.1f} ms (target p95 < {TARGET_P95_MS:.0f} ms); "
          f"{cpu_ms:.1f} ms of this process's CPU per request; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    if p95 >= TARGET_P95_MS:
        problems.append(f"p95 {p95:.1f} ms is over the target")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
