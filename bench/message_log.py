"""Message log pages at ten million messages: the first and the 1,000th page of a tenant's log.

Fills PostgreSQL with 10,000,000 messages across 100 tenants in generated SQL chunks (one
large tenant holds 1,000,000, so its log has far more than 1,000 pages of 50), walks that
tenant's log page by page through the real views, then times the first and the 1,000th page,
as the portal page (keyset cursor, rendered template) and as the API list (cursor
pagination). Target: p95 < 20 ms for each; every figure is printed with PASS or FAIL, with
the Python CPU time per request (what the code costs, apart from waiting for the database
or for a CPU on a busy host).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_log \\
        .venv/bin/python bench/message_log.py [--rows 10000000] [--repeat 40]

The database is created if missing; its messages are replaced when the row count differs.
The schema is the product's: `messaging_message` partitioned by month (the run prints the
partition count). Filling makes the months' partitions with `attach_month` (dropping the
empty legacy partition a fresh migration leaves), drops the parent's indexes that back no
constraint and builds them again afterwards, and runs with the triggers off: the key
table's entries (SIDs, ESP message ids) are written in one INSERT ... SELECT at the end.
The cache (throttle counters) is Redis db 9 at 127.0.0.1:6379 as in production
(BENCH_REDIS_URL; "none" for the file cache). The API is called with the session, as the
portal's own scripts would; an API key skips the two-factor gate's query.

Then the same URLs through the web process (`bench/page_clients.py`: gunicorn, uvicorn workers,
the pooled connection), printed and not judged (`--in-process-only` leaves them out). The
target is the application's own time, the figure the issue measured; serving adds about 5
ms here (HTTP parsing, the hand-over to the request's thread, the pool's check of its
connection), of which the ASGI handler's crossings between loop and thread were 1 to 2.5 ms
before `isvplatform/asgi_handler.py`.

Measured 2026-12-04 on a 2-CPU development host (AMD EPYC, a Firecracker VM whose speed
swings by up to 2x between quarter hours with no local load), 10,000,000 rows in 11
partitions: seventeen runs, p95 portal page 1 / page 1,000 / API page 1 / page 1,000, all
PASS: 8.7 / 9.9 / 7.8 / 10.0 right after the fill, then 6.2 / 7.7 / 9.3 / 7.5, 9.5 / 12.0 /
12.6 / 11.0, 9.9 / 10.4 / 13.5 / 13.4, 9.7 / 10.1 / 10.5 / 10.4, 9.6 / 9.0 / 11.9 / 11.3,
16.1 / 13.2 / 10.2 / 9.0, 9.9 / 12.4 / 11.4 / 10.8, 9.8 / 7.6 / 8.6 / 7.6, 7.5 / 6.6 / 7.9 /
8.1, 12.1 / 11.2 / 11.8 / 15.2 (`--repeat 200`), 12.9 / 16.1 / 15.7 / 15.8, 10.4 / 12.3 /
10.8 / 11.2, 10.9 / 13.4 / 11.6 / 12.4, 13.8 / 15.3 / 19.3 / 17.8 (a slow phase: CPU p50
7.5 to 12 ms), 14.0 / 16.7 / 18.1 / 16.7 and 11.5 / 9.3 / 13.4 / 15.8 ms; served, in four
runs: p50 12 to 18 ms, p95 15.2 to 21.4 ms (8 of 16 figures over 20 ms). On 2026-12-03 the
same code ran on a slower host (CPU p50 6.7 to 14 ms): four of eight runs passed, the
others at 20.3 to 26.5 ms.
Tried and not kept (each measured): server-side parameter binding with prepared statements
(planning the page query, 0.5 to 1.2 ms, would go, but 71 of the suite's tests fail and 46
error on PostgreSQL with it: "could not determine data type of parameter $1"), the JSON
columns read as text, `gc.freeze()`, dropping the partitions' redundant indexes. Kept
before: the membership read written out, the timestamps' C loader
(`isvplatform/pg_timestamps.py`), one redis-py client per pool, the row markup, the
two-factor gate's one statement, the throttle's counter, the API items typed in place.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/isv_bench_log"
TENANTS = 100
BIG_SHARE = 0.10
PAGE = 50
TARGET_MS = 20.0


def configure(var_dir: Path, database_url: str) -> None:
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
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
    # The cache (sessions' neighbours, the throttle's counters) as in production: Redis.
    if redis_url == "none":
        os.environ.pop("REDIS_URL", None)
    else:
        os.environ["REDIS_URL"] = redis_url
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


def templates_for(tenant) -> list:
    """A few WhatsApp templates of the big tenant, so that template sends join their names."""
    from content.models import MessageTemplate

    return [
        MessageTemplate.objects.get_or_create(
            tenant=tenant, name=name, defaults={"body": "Hello {{1}}, your order {{2}} shipped."}
        )[0].pk
        for name in ("order_shipped", "appointment_reminder", "verification_code")
    ]


# One chunk of generated messages, rows lo..hi: every 10th row is the big tenant's, the others
# go round the other tenants. A hash of the row number picks the rest, so that every tenant
# gets the mix: SMS, WhatsApp (some template sends) and email, both directions, the statuses
# and error codes Twilio reports, prices on delivered SMS; one message every 1.5 s going back
# in time (10,000,000 rows span about six months).
FILL_SQL = """
INSERT INTO {table} (
    id, tenant_id, direction, channel, origin, from_number, to_number, body, subject,
    from_name, html, headers, esp_name, esp_message_id, media_urls, content_sid,
    content_variables, template_id, button_payload, button_text, messaging_service_sid,
    account_sid, via_master, status, status_rank, segments, encoding, estimated_price, price,
    price_unit, sid, error_code, error_message, actor_label, send_attempts, sweeps, reconciles,
    created_at, updated_at, submitted_at, sent_at, delivered_at, failed_at, read_at,
    received_at
)
SELECT
    gen_random_uuid(), tenant_id, direction, channel,
    CASE WHEN direction = 'inbound' THEN 'inbound'
         ELSE (ARRAY['api','api','api','portal','broadcast','batch'])[1 + m %% 6] END,
    CASE WHEN channel = 'email' THEN CASE WHEN direction = 'inbound' THEN contact ELSE
        'hello@shop' || (tenant_id %% 1000) || '.example' END
         WHEN direction = 'inbound' THEN contact
         WHEN m %% 4 = 0 THEN '' ELSE '+1833555' || lpad((tenant_id %% 10000)::text, 4, '0') END,
    CASE WHEN channel = 'email' AND direction = 'outbound' THEN contact
         WHEN channel = 'email' THEN 'hello@shop' || (tenant_id %% 1000) || '.example'
         WHEN direction = 'inbound' THEN '+1833555' || lpad((tenant_id %% 10000)::text, 4, '0')
         ELSE contact END,
    CASE WHEN template_id IS NOT NULL THEN ''
         ELSE (ARRAY[
            'Your order #' || g || ' is on its way.',
            'Hi! Your appointment is confirmed for tomorrow at ' || (8 + g %% 10) || ':30.',
            'Your verification code is ' || lpad((g %% 1000000)::text, 6, '0'),
            'Thanks for shopping with us. Reply STOP to opt out. Order ' || g ||
                ' ships within two business days; track it from your account page.',
            'Yes', 'What time do you open on Saturday?',
            'Flash sale: 20%% off everything this weekend only. Use code SAVE' || (g %% 100) ||
                ' at checkout. Terms apply, see our site for details. Reply STOP to opt out.'
         ])[1 + m %% 7] END,
    CASE WHEN channel = 'email' THEN 'Order ' || g || ' update' ELSE '' END,
    '', '', '{{}}', CASE WHEN channel = 'email' THEN 'ses' ELSE '' END,
    CASE WHEN channel = 'email' THEN 'ses-' || md5(g::text) END,
    '[]', CASE WHEN template_id IS NOT NULL THEN 'HX' || md5(template_id::text) ELSE '' END,
    CASE WHEN template_id IS NOT NULL THEN '{{"1": "Sam", "2": "' || g || '"}}' ELSE '{{}}' END
        ::jsonb,
    template_id, '', '', CASE WHEN m %% 4 = 0 AND channel <> 'email' THEN
        'MG' || md5('svc' || tenant_id) ELSE '' END,
    'AC' || md5('acct' || tenant_id), false, status,
    CASE status WHEN 'received' THEN 100 WHEN 'read' THEN 60 WHEN 'opened' THEN 60
        WHEN 'delivered' THEN 50 WHEN 'sent' THEN 30 WHEN 'queued' THEN 10 ELSE 40 END,
    CASE WHEN channel = 'email' THEN 0 ELSE 1 + m %% 3 END,
    CASE WHEN channel = 'email' THEN '' WHEN m %% 9 = 0 THEN 'UCS-2' ELSE 'GSM-7' END,
    CASE WHEN direction = 'outbound' AND channel = 'sms' THEN 0.0079 * (1 + m %% 3) END,
    CASE WHEN status IN ('delivered', 'read', 'sent') AND channel <> 'email' THEN
        -0.0079 * (1 + m %% 3) END,
    'USD',
    CASE WHEN channel = 'email' THEN NULL WHEN direction = 'inbound' THEN 'SM' || md5(g::text)
         WHEN channel = 'whatsapp' THEN 'MM' || md5(g::text) ELSE 'SM' || md5(g::text) END,
    CASE WHEN status IN ('failed', 'undelivered') THEN
        (ARRAY[30003, 30005, 30006, 30007, 21610, 63016])[1 + m %% 6] END,
    CASE WHEN status IN ('failed', 'undelivered') THEN 'Unreachable destination handset'
         ELSE '' END,
    CASE WHEN direction = 'inbound' THEN '' WHEN m %% 6 = 3 THEN 'owner@shop.example'
         ELSE 'API key live_' || (tenant_id %% 100) END,
    CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END, 0, 0,
    ts, ts + interval '9 seconds',
    CASE WHEN direction = 'outbound' THEN ts + interval '1 second' END,
    CASE WHEN direction = 'outbound' AND status <> 'queued' THEN ts + interval '2 seconds' END,
    CASE WHEN status IN ('delivered', 'read') THEN ts + interval '6 seconds' END,
    CASE WHEN status IN ('failed', 'undelivered') THEN ts + interval '6 seconds' END,
    CASE WHEN status = 'read' THEN ts + interval '9 seconds' END,
    CASE WHEN direction = 'inbound' THEN ts END
FROM (
    SELECT g, m, tenant_id, direction, channel, ts,
        CASE WHEN channel = 'email' THEN 'customer' || (g %% 50000) || '@mail.example'
             ELSE '+1628' || lpad((g %% 5000000)::text, 7, '0') END AS contact,
        CASE WHEN direction = 'inbound' THEN 'received'
             WHEN channel = 'email' THEN (ARRAY['delivered','delivered','opened','sent',
                 'failed'])[1 + m %% 5]
             WHEN channel = 'whatsapp' THEN (ARRAY['read','read','delivered','sent',
                 'failed','undelivered','read','delivered'])[1 + m %% 8]
             ELSE (ARRAY['delivered','delivered','delivered','sent','failed','undelivered',
                 'delivered','delivered','queued','delivered'])[1 + m %% 10] END AS status,
        CASE WHEN channel = 'whatsapp' AND direction = 'outbound' AND tenant_id = %(first)s
             AND m %% 3 = 0 THEN (%(templates)s::uuid[])[1 + m %% 3] END AS template_id
    FROM (
        SELECT g, hashint8(g) & 2147483647 AS m,
            CASE WHEN g %% 10 = 0 THEN %(first)s
                 ELSE (%(others)s::bigint[])[1 + (g / 10) %% %(n_others)s] END AS tenant_id,
            CASE WHEN (hashint8(g) & 2147483647) %% 5 = 1 THEN 'inbound'
                 ELSE 'outbound' END AS direction,
            CASE WHEN (hashint8(g) & 2147483647) %% 20 = 7 THEN 'email'
                 WHEN (hashint8(g) & 2147483647) %% 7 IN (2, 5) THEN 'whatsapp'
                 ELSE 'sms' END AS channel,
            %(now)s::timestamptz - g * interval '1.5 seconds' AS ts
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
    ) AS base
) AS s
"""


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint (name, definition), to drop while filling:
    building each once afterwards is far faster than keeping them up to date row by row. On
    the partitioned table these are the parent's indexes: dropping one drops its partitions'
    copies, and the definition without ONLY builds it again on every partition."""
    cursor.execute(
        """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        """,
        [table],
    )
    return [(name, ddl.replace(" ON ONLY ", " ON ")) for name, ddl in cursor.fetchall()]


def _unique_constraints(cursor, table: str) -> list[tuple[str, str]]:
    """The table's unique constraints (name, definition): none on the partitioned table,
    whose unique keys live in the key table."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'u'",
        [table],
    )
    return cursor.fetchall()


def _referencing_tables(model) -> list[str]:
    """Tables whose rows point at `model`'s: their foreign keys have no database
    constraint (a partitioned table's key is (id, created_at)), so TRUNCATE ... CASCADE
    no longer reaches them."""
    return sorted(
        {
            field.model._meta.db_table
            for field in model._meta.get_fields()
            if field.is_relation and field.auto_created and not field.concrete
        }
    )


def _empty(cursor, table: str, tables: list[str]) -> None:
    """Empty `table` and `tables`, and their keys in the key table. Under the caller's
    replica role the key tables' TRUNCATE triggers stay quiet: the key table is emptied
    here, whole when no other table's keys are in it (one TRUNCATE, not a 10M-row DELETE)."""
    from isvplatform.partitions import KEY_TABLE, TABLES

    cursor.execute(f"TRUNCATE {', '.join([table, *tables])} CASCADE")
    scopes = [key.scope for t in (table, *tables) if t in TABLES for key in TABLES[t].keys]
    kept = " AND ".join(f"key NOT LIKE '{scope}:%'" for scope in scopes) or "true"
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {KEY_TABLE} WHERE {kept})")
    if cursor.fetchone()[0]:
        cursor.execute(f"DELETE FROM {KEY_TABLE} WHERE NOT ({kept})")
    else:
        cursor.execute(f"TRUNCATE {KEY_TABLE}")


def _month_partitions(cursor, oldest) -> None:
    """Monthly partitions from `oldest`'s month to three months ahead, made by the product's
    own `attach_month` / `ensure_partitions`. A fresh database's migration left the legacy
    partition (the former plain table, now empty) holding everything before next month: it
    is dropped, so the generated months land in their own partitions as they would after
    months in production. The default partition is kept, and must stay empty."""
    from isvplatform.partitions import (
        DEFAULT_SUFFIX,
        LEGACY_SUFFIX,
        TABLES,
        attach_month,
        default_partition_sql,
        ensure_partitions,
        month_start,
    )

    spec = TABLES["messaging_message"]
    legacy = spec.table + LEGACY_SUFFIX
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [legacy])
    if cursor.fetchone()[0]:
        cursor.execute(f"ALTER TABLE {spec.table} DETACH PARTITION {legacy}")
        cursor.execute(f"DROP TABLE {legacy}")
    cursor.execute(default_partition_sql(spec))
    start = month_start(oldest)
    while start <= month_start(timezone_now()):
        attach_month(spec, start)
        start = month_start(start, 1)
    ensure_partitions()
    cursor.execute(f"SELECT count(*) FROM {spec.table}{DEFAULT_SUFFIX}")
    assert cursor.fetchone()[0] == 0


def timezone_now():
    from django.utils import timezone

    return timezone.now()


def _fill_keys(cursor, table: str) -> int:
    """The messages' keys (SID, ESP message id) in the key table in one INSERT ... SELECT,
    as the key trigger (off during the fill) would have put them; its primary key is built
    afterwards when the table was empty. Returns the number of keys."""
    from isvplatform.partitions import KEY_TABLE, TABLES, key_values

    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {KEY_TABLE})")
    rebuild = cursor.fetchone()[0]
    if rebuild:
        cursor.execute(f"ALTER TABLE {KEY_TABLE} DROP CONSTRAINT {KEY_TABLE}_pkey")
    cursor.execute(
        f"INSERT INTO {KEY_TABLE} (key) SELECT k FROM {table} AS r "
        f"CROSS JOIN LATERAL (VALUES {key_values(TABLES[table], 'r')}) AS v(k) "
        "WHERE k IS NOT NULL"
    )
    count = cursor.rowcount
    if rebuild:
        cursor.execute(f"ALTER TABLE {KEY_TABLE} ADD CONSTRAINT {KEY_TABLE}_pkey PRIMARY KEY (key)")
    return count


def schema_check(table: str) -> str:
    """What the database says the table is: partitioned or not, and its partitions."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relkind = 'p', (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)"
            " FROM pg_class c WHERE c.oid = %s::regclass",
            [table],
        )
        partitioned, count = cursor.fetchone()
    return f"{table}: {'partitioned, ' + str(count) + ' partitions' if partitioned else 'plain'}"


def fill(rows: int, tenants, chunk: int = 500_000) -> None:
    """`rows` messages in SQL chunks; the first tenant gets BIG_SHARE of them (every 10th).

    One transaction: a fill stopped half-way leaves the tables as they were, indexes
    included. The replica role turns off every ordinary trigger while filling: the foreign
    key checks (the rows are generated consistent) and the key table's row trigger, whose
    keys are then added in one statement."""
    from django.db import connection, transaction

    from messaging.models import Message

    table = Message._meta.db_table
    ids = [t.pk for t in tenants]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        if cursor.fetchone()[0] == rows:
            return
    started = time.perf_counter()
    now = timezone_now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _empty(cursor, table, _referencing_tables(Message))
        _month_partitions(cursor, now - datetime.timedelta(seconds=1.5 * rows + 60))
        indexes = _secondary_indexes(cursor, table)
        uniques = _unique_constraints(cursor, table)
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name, _ in uniques:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        params = {
            "first": ids[0],
            "others": ids[1:],
            "n_others": len(ids) - 1,
            "templates": [str(pk) for pk in templates_for(tenants[0])],
            "now": now,
        }
        sql = FILL_SQL.format(table=table)
        for lo in range(1, rows + 1, chunk):
            cursor.execute(sql, {**params, "lo": lo, "hi": min(rows, lo + chunk - 1)})
            print(
                f"  {min(rows, lo + chunk - 1):>11,} rows  {time.perf_counter() - started:5.0f} s",
                flush=True,
            )
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        inserted = time.perf_counter()
        keys = _fill_keys(cursor, table) if is_partitioned(table) else 0
        keyed = time.perf_counter()
        cursor.execute("SET LOCAL session_replication_role = origin")
        for name, definition in uniques:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, ddl in indexes:
            cursor.execute(ddl)
    indexed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("VACUUM (ANALYZE) isvplatform_partitionkey")
    done = time.perf_counter()
    print(
        f"filled {rows:,} messages in {done - started:.0f} s (insert {inserted - started:.0f} s,"
        f" {keys:,} keys {keyed - inserted:.0f} s,"
        f" {len(indexes) + len(uniques)} indexes {indexed - keyed:.0f} s,"
        f" vacuum analyze {done - indexed:.0f} s)"
    )


def is_partitioned(table: str) -> bool:
    from isvplatform.partitions import is_partitioned as partitioned

    return partitioned(table)


def walk_portal(client, pages: int) -> str:
    """The cursor of the `pages`-th page of the portal log, following "Older" links."""
    url = "/messages/"
    for _ in range(pages - 1):
        html = client.get(url)[1].decode()
        cursor = html.split("after=")[1].split('"')[0]
        url = f"/messages/?after={cursor}"
    return url


def walk_api(client, pages: int) -> str:
    url = f"/api/v1/messages?page_size={PAGE}"
    for _ in range(pages - 1):
        url = json.loads(client.get(url)[1])["next"].split("testserver", 1)[1]
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument("--var-dir", default="/tmp/isv-bench-log")
    parser.add_argument(
        "--in-process-only", action="store_true", help="not through the web process as well"
    )
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(var_dir, os.environ.get("DATABASE_URL", DEFAULT_DB))

    from django.test import Client

    from bench.page_clients import Handler, ServedClient, time_pages

    tenants, user = tenants_and_user()
    fill(args.rows, tenants)
    print(schema_check("messaging_message"))
    login = Client()
    login.force_login(user)
    session = login.session
    session["tenant_id"] = tenants[0].pk
    session.save()
    client = Handler(session.session_key)

    deep_portal = walk_portal(client, args.page)
    deep_api = walk_api(client, args.page)
    print(f"load before timing: {os.getloadavg()[0]:.2f} (1-minute average)")
    urls = (
        ("portal page 1", "/messages/", True),
        (f"portal page {args.page}", deep_portal, True),
        ("api page 1", f"/api/v1/messages?page_size={PAGE}", True),
        (f"api page {args.page}", deep_api, True),
        ("portal page 1, status=failed", "/messages/?status=failed", False),
    )
    failing = time_pages(client, urls, args)
    if not args.in_process_only:
        served = ServedClient(client.cookie, log_path=var_dir / "served-web.log")
        try:
            time_pages(served, urls, args, served=True)
        finally:
            served.close()
    print(f"load after timing: {os.getloadavg()[0]:.2f} (1-minute average)")
    print(
        f"PASS first and deep pages under {args.target_ms:.0f} ms p95"
        if not failing
        else f"FAIL {failing}"
    )
    return 0 if not failing else 1


if __name__ == "__main__":
    sys.exit(main())
