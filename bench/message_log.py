"""Message log pages at a million messages: the first and the 1,000th page of a tenant's log.

Fills PostgreSQL with 1,000,000 messages across 100 tenants (one large tenant holds 100,000 so
that its log has well over 1,000 pages of 50), walks that tenant's log page by page through
the real views, then times the first and the 1,000th page, as the portal page (keyset
cursor, rendered template) and as the API list (cursor pagination). Target: p95 < 50 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_log \\
        .venv/bin/python bench/message_log.py [--rows 1000000] [--repeat 40]

The database is created if missing; its messages are replaced when the row count differs.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/isv_bench_log"
TENANTS = 100
BIG_SHARE = 0.10
PAGE = 50


def configure(var_dir: Path, database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
            "ISV_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "*",
        }
    )
    sys.path.insert(0, str(ROOT))
    from bench.webhook_ingest import _create_database

    _create_database(database_url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def tenants_and_user():
    from django.contrib.auth import get_user_model

    from tenants.models import Membership, Tenant

    tenants = []
    for i in range(TENANTS):
        tenant, _ = Tenant.objects.get_or_create(slug=f"log-{i}", defaults={"name": f"Log {i}"})
        tenants.append(tenant)
    user, _ = get_user_model().objects.get_or_create(username="log-bench@example.com")
    Membership.objects.get_or_create(tenant=tenants[0], user=user, defaults={"role": "owner"})
    return tenants, user


def fill(rows: int, tenants) -> None:
    """`rows` messages; the first tenant gets BIG_SHARE of them, the others the rest evenly."""
    from django.db import connection

    from messaging.models import Message

    table = Message._meta.db_table
    ids = [t.pk for t in tenants]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        if cursor.fetchone()[0] == rows:
            return
        cursor.execute(f"TRUNCATE {table} CASCADE")
        big = int(rows * BIG_SHARE)
        started = time.perf_counter()
        cursor.execute(
            f"""
            INSERT INTO {table} (
                id, tenant_id, direction, channel, origin, from_number, to_number, body,
                media_urls, content_sid, content_variables, messaging_service_sid, account_sid,
                via_master, status, status_rank, segments, encoding, price_unit, error_message,
                actor_label, send_attempts, sweeps, reconciles, created_at, updated_at, sid,
                error_code
            )
            SELECT
                gen_random_uuid(),
                CASE WHEN g <= %(big)s THEN %(first)s
                     ELSE (%(others)s::bigint[])[1 + (g %% %(n_others)s)] END,
                CASE WHEN g %% 5 = 0 THEN 'inbound' ELSE 'outbound' END,
                CASE WHEN g %% 7 = 0 THEN 'whatsapp' ELSE 'sms' END,
                'api', '+18335550100', '+1628' || lpad((g %% 10000000)::text, 7, '0'),
                'Message number ' || g || ': your order is on its way.',
                '[]', '', '{{}}', '', 'AC' || md5('acct' || (g %% 100)::text), false,
                (ARRAY['delivered','delivered','delivered','sent','failed','undelivered',
                       'read','delivered'])[1 + (g %% 8)],
                50, 1 + (g %% 3), 'GSM-7', 'USD', '', 'api', 1, 0, 0,
                ts, ts, 'SM' || md5(g::text),
                CASE WHEN g %% 8 IN (4, 5) THEN 30003 END
            FROM (
                SELECT g, now() - (g * interval '2 seconds') AS ts
                FROM generate_series(1, %(rows)s) AS g
            ) AS s
            """,
            {
                "big": big,
                "first": ids[0],
                "others": ids[1:],
                "n_others": len(ids) - 1,
                "rows": rows,
            },
        )
        cursor.execute(f"ANALYZE {table}")
        print(f"inserted {rows} messages in {time.perf_counter() - started:.0f} s")


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def walk_portal(client, pages: int) -> str:
    """The cursor of the `pages`-th page of the portal log, following "Older" links."""
    url = "/messages/"
    for _ in range(pages - 1):
        html = client.get(url).content.decode()
        cursor = html.split("after=")[1].split('"')[0]
        url = f"/messages/?after={cursor}"
    return url


def walk_api(client, pages: int) -> str:
    url = f"/api/v1/messages?page_size={PAGE}"
    for _ in range(pages - 1):
        url = client.get(url).json()["next"].split("testserver", 1)[1]
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--var-dir", default="/tmp/isv-bench-log")
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(var_dir, os.environ.get("DATABASE_URL", DEFAULT_DB))

    from django.test import Client

    tenants, user = tenants_and_user()
    fill(args.rows, tenants)
    client = Client()
    client.force_login(user)
    session = client.session
    session["tenant_id"] = tenants[0].pk
    session.save()

    results = {}
    deep_portal = walk_portal(client, args.page)
    deep_api = walk_api(client, args.page)
    for label, url in (
        ("portal page 1", "/messages/"),
        (f"portal page {args.page}", deep_portal),
        ("api page 1", f"/api/v1/messages?page_size={PAGE}"),
        (f"api page {args.page}", deep_api),
        ("portal page 1, status=failed", "/messages/?status=failed"),
    ):
        client.get(url)  # warm
        results[label] = timed(client, url, args.repeat)
        p50, p95 = results[label]
        print(f"{label:<32} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

    failing = [label for label, (_, p95) in results.items() if p95 >= 50 and "status" not in label]
    print("PASS first and deep pages under 50 ms p95" if not failing else f"FAIL {failing}")
    return 0 if not failing else 1


if __name__ == "__main__":
    sys.exit(main())
