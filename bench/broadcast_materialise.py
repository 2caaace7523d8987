"""Materialising a broadcast's recipients over 1,000,000 contacts (PostgreSQL), against COPY.

Seeds one tenant with 1,000,000 SMS contacts with marketing consent (set-based, one
INSERT … SELECT over generate_series) and opts 2% of their numbers out, with an audience
whose saved filter matches them all. Then, in the same run and into the same table with
its indexes and constraints:

1. times `broadcasts.services.materialise.materialise` for a marketing broadcast: the one
   `INSERT … SELECT` with the opt-out anti-join, the consent rule and `ON CONFLICT DO
   NOTHING`, plus the aggregate that sets the counters, in its transaction;
2. times a `COPY … FROM STDIN` of the same rows (the recipients just inserted, read back
   beforehand, untimed) for a second broadcast: the fastest way PostgreSQL takes rows in.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/isv_bench_broadcast \\
        .venv/bin/python bench/broadcast_materialise.py [--contacts 1000000]

The database named in DATABASE_URL is created if missing and migrated; its contacts,
opt-outs and broadcasts are emptied. The target: materialisation at least 0.5x COPY's
speed and under 15 s.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPTED_OUT_SHARE = 0.02
TARGET_RATIO = 0.5
TARGET_SECONDS = 15.0

# Every column of contacts_contact, as SQL over n (a generate_series row) and %(tenant)s.
CONTACT_COLUMNS = {
    "id": "md5('bench-contact-' || n)::uuid",
    "tenant_id": "%(tenant)s",
    "first_name": "'Ana' || n",
    "last_name": "'Silva'",
    "phone": "'+1813' || lpad(n::text, 7, '0')",
    "email": "''",
    "whatsapp": "''",
    "tags": "',bench,'",
    "fields": "'{}'::jsonb",
    "time_zone": "'America/New_York'",
    "time_zone_source": "'number'",
    "region": "'US-FL'",
    "country": "'US'",
    "sms_consent_at": "now() - interval '30 days'",
    "sms_consent_source": "'web_form'",
    "whatsapp_consent_at": "NULL",
    "whatsapp_consent_source": "''",
    "email_consent_at": "NULL",
    "email_consent_source": "''",
    "last_activity_at": "NULL",
    "created_at": "now() - n * interval '1 second'",
    "updated_at": "now()",
}
OPTOUT_SQL = """
INSERT INTO messaging_optout
    (id, tenant_id, number, channel, source, keyword, reason, created_by_id, actor_label,
     created_at)
SELECT md5('bench-optout-' || n)::uuid, %(tenant)s, '+1813' || lpad(n::text, 7, '0'), 'sms',
       'keyword', 'STOP', '', NULL, 'contact', now()
FROM generate_series(0, %(count)s - 1) AS n
WHERE n %% %(every)s = 0
"""


def configure(var_dir: Path, database_url: str) -> None:
    if not database_url.startswith("postgres"):
        sys.exit("bench/broadcast_materialise.py runs on PostgreSQL: set DATABASE_URL=postgres://…")
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


def seed(count: int):
    """The tenant, its contacts and opt-outs, and an audience matching every contact."""
    from django.db import connection

    from contacts.models import Audience, Contact
    from tenants.models import Tenant

    fields = {f.column for f in Contact._meta.concrete_fields}
    assert fields == set(CONTACT_COLUMNS), (
        f"the bench's contact columns: {fields ^ set(CONTACT_COLUMNS)}"
    )
    tenant, _ = Tenant.objects.get_or_create(slug="bench-broadcast", defaults={"name": "Bench"})
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE broadcasts_broadcastrecipient, broadcasts_broadcasttransition, "
            "broadcasts_broadcastfailure, broadcasts_broadcast, contacts_audiencemember, "
            "contacts_audience, contacts_contact, messaging_optout CASCADE"
        )
        columns = ", ".join(CONTACT_COLUMNS)
        values = ", ".join(CONTACT_COLUMNS.values())
        cursor.execute(
            f"INSERT INTO contacts_contact ({columns}) SELECT {values} "
            "FROM generate_series(0, %(count)s - 1) AS n",
            {"tenant": tenant.pk, "count": count},
        )
        every = round(1 / OPTED_OUT_SHARE)
        cursor.execute(OPTOUT_SQL, {"tenant": tenant.pk, "count": count, "every": every})
        cursor.execute("VACUUM ANALYZE contacts_contact")
        cursor.execute("VACUUM ANALYZE messaging_optout")
    audience = Audience.objects.create(tenant=tenant, name="Everyone", kind="filter", filter={})
    return tenant, audience


def new_broadcast(tenant, audience, name: str):
    from broadcasts.models import Broadcast

    return Broadcast.objects.create(
        tenant=tenant, audience=audience, name=name, body="Hi {{first_name}}", purpose="marketing"
    )


def copy_payload(broadcast_id, target_id) -> tuple[bytes, int]:
    """The recipients of `broadcast_id` as COPY text for `target_id` (built untimed)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tenant_id, contact_id, address, status, skip_reason "
            "FROM broadcasts_broadcastrecipient WHERE broadcast_id = %s",
            [broadcast_id],
        )
        rows = cursor.fetchall()
    out = io.StringIO()
    for tenant_id, contact_id, address, status, skip in rows:
        out.write(f"{tenant_id}\t{target_id}\t{contact_id}\t{address}\t{status}\t{skip}\t\n")
    return out.getvalue().encode(), len(rows)


def time_copy(payload: bytes) -> float:
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic():
        connection.ensure_connection()
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(
                "COPY broadcasts_broadcastrecipient "
                "(tenant_id, broadcast_id, contact_id, address, status, skip_reason, outcome) "
                "FROM STDIN"
            ) as copy,
        ):
            copy.write(payload)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--var-dir", default="/tmp/isv-bench-broadcast")
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    configure(var_dir, os.environ.get("DATABASE_URL", ""))

    from django.db import connection

    from broadcasts.services.materialise import materialise

    started = time.perf_counter()
    tenant, audience = seed(args.contacts)
    print(f"seeded {args.contacts:,} contacts, {OPTED_OUT_SHARE:.0%} opted out, "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    broadcast = new_broadcast(tenant, audience, "Materialised")
    started = time.perf_counter()
    result = materialise(broadcast)
    took = time.perf_counter() - started
    broadcast.refresh_from_db()

    copied_into = new_broadcast(tenant, audience, "Copied")
    payload, rows = copy_payload(broadcast.pk, copied_into.pk)
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    copy_took = time_copy(payload)

    problems = []
    expected = args.contacts - args.contacts // round(1 / OPTED_OUT_SHARE)
    if result.inserted != expected or rows != expected:
        problems.append(f"inserted {result.inserted:,} and copied {rows:,}, not {expected:,}")
    if (broadcast.total, broadcast.opted_out) != (args.contacts, args.contacts - expected):
        problems.append(f"counters total={broadcast.total} opted_out={broadcast.opted_out}")
    ratio = (result.inserted / took) / (rows / copy_took)
    print(f"materialise: {result.inserted:,} recipients in {took:.2f} s "
          f"({result.inserted / took:,.0f} rows/s; counters total {broadcast.total:,}, "
          f"opted out {broadcast.opted_out:,}, skipped {broadcast.skipped:,})")  # fmt: skip
    print(f"COPY:        {rows:,} rows in {copy_took:.2f} s ({rows / copy_took:,.0f} rows/s)")
    print(f"ratio: materialisation at {ratio:.2f}x COPY's speed (target >= {TARGET_RATIO}); "
          f"{took:.2f} s (target <= {TARGET_SECONDS:.0f} s); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    if ratio < TARGET_RATIO:
        problems.append(f"ratio {ratio:.2f} is under {TARGET_RATIO}")
    if took > TARGET_SECONDS:
        problems.append(f"{took:.1f} s is over {TARGET_SECONDS:.0f} s")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
