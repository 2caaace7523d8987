"""Monthly range partitions of the big append-mostly tables on PostgreSQL.

`messaging_message` (by `created_at`), `messaging_webhookevent` and `emails_emailevent` (by
`received_at`, the platform's own clock: an ESP's `occurred_at` may be anything) are
partitioned per month, so old months can be dropped or archived whole and each month's
indexes stay small. SQLite keeps plain tables: every function here is a no-op there.

PostgreSQL enforces a unique index on a partitioned table only if it holds the partition
key. So the primary keys become (id, partition column) in the database (Django keeps `id`
as the pk), and the other unique constraints (a message's Twilio SID and ESP message id, an
event's (SID, status) or (ESP, event id, type, recipient)) live in one key table,
`isvplatform_partitionkey`, kept by triggers: an insert whose key is taken fails with the
same IntegrityError as before, or, for the raw Twilio events, is skipped (what the former
`ON CONFLICT DO NOTHING` did: the insert returns no row).
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

KEY_TABLE = "isvplatform_partitionkey"
LEGACY_SUFFIX = "_p_legacy"
DEFAULT_SUFFIX = "_p_default"
# How long a partition DDL statement waits for a lock before giving up (and retrying at the
# next run), so it never queues the table's traffic behind itself for long.
LOCK_TIMEOUT = "3s"


@dataclass(frozen=True)
class UniqueKey:
    """A unique constraint the key table enforces: `scope` names it, `columns` make it."""

    name: str
    scope: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str
    keys: tuple[UniqueKey, ...]
    # "raise": a taken key fails the insert (IntegrityError); "skip": the row is dropped.
    on_duplicate: str = "raise"
    # Storage parameters of each partition (a partitioned parent takes none).
    storage: str = ""


TABLES: dict[str, PartitionedTable] = {
    spec.table: spec
    for spec in (
        PartitionedTable(
            "messaging_message",
            "created_at",
            (
                UniqueKey("messaging_message_sid_key", "msg.sid", ("sid",)),
                UniqueKey("messaging_message_esp_message_id_key", "msg.esp", ("esp_message_id",)),
            ),
            storage="fillfactor = 70",
        ),
        PartitionedTable(
            "messaging_webhookevent",
            "received_at",
            (UniqueKey("webhookevent_unique_sid_status", "wev", ("message_sid", "status")),),
            on_duplicate="skip",
        ),
        PartitionedTable(
            "emails_emailevent",
            "received_at",
            (
                UniqueKey(
                    "emailevent_unique_event",
                    "eev",
                    ("esp_name", "event_id", "event_type", "recipient"),
                ),
            ),
        ),
    )
}


def is_postgresql(conn: BaseDatabaseWrapper | None = None) -> bool:
    return (conn or connection).vendor == "postgresql"


def month_start(moment: datetime, months_later: int = 0) -> datetime:
    """The first instant (UTC) of the month `months_later` after `moment`'s."""
    index = moment.year * 12 + moment.month - 1 + months_later
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def partition_name(table: str, start: datetime) -> str:
    return f"{table}_p{start:%Y_%m}"


def key_expression(key: UniqueKey, row: str) -> str:
    """SQL of the key-table entry for one row (`NEW` or `OLD`, or a table alias): NULL when
    a column is NULL, as a NULL never collides in a unique index."""
    parts = " || chr(31) || ".join(f"{row}.{column}::text" for column in key.columns)
    nulls = " OR ".join(f"{row}.{column} IS NULL" for column in key.columns)
    return f"(CASE WHEN {nulls} THEN NULL ELSE '{key.scope}:' || {parts} END)"


def key_values(spec: PartitionedTable, row: str) -> str:
    return ", ".join(f"({key_expression(key, row)})" for key in spec.keys)


def key_trigger_sql(spec: PartitionedTable) -> list[str]:
    """The functions and triggers that keep `spec`'s keys in the key table."""
    table = spec.table
    if spec.on_duplicate == "skip":
        (key,) = spec.keys
        on_insert = (
            f"IF {key_expression(key, 'NEW')} IS NULL THEN RETURN NEW; END IF; "
            f"INSERT INTO {KEY_TABLE} (key) VALUES ({key_expression(key, 'NEW')}) "
            "ON CONFLICT DO NOTHING; "
            "IF NOT FOUND THEN RETURN NULL; END IF; RETURN NEW;"
        )
    else:
        on_insert = (
            f"INSERT INTO {KEY_TABLE} (key) SELECT k FROM (VALUES {key_values(spec, 'NEW')}) "
            "AS v(k) WHERE k IS NOT NULL; RETURN NEW;"
        )
    on_change = (
        f"DELETE FROM {KEY_TABLE} WHERE key IN (SELECT k FROM (VALUES {key_values(spec, 'OLD')}) "
        "AS v(k) WHERE k IS NOT NULL); "
        "IF TG_OP = 'UPDATE' THEN "
        f"INSERT INTO {KEY_TABLE} (key) SELECT k FROM (VALUES {key_values(spec, 'NEW')}) "
        "AS v(k) WHERE k IS NOT NULL; END IF; RETURN NULL;"
    )
    scopes = " OR ".join(f"key LIKE '{key.scope}:%'" for key in spec.keys)
    columns = sorted({column for key in spec.keys for column in key.columns})
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return [
        f"CREATE OR REPLACE FUNCTION {table}_key_insert() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {on_insert} END $$",
        f"CREATE OR REPLACE FUNCTION {table}_key_change() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {on_change} END $$",
        f"CREATE OR REPLACE FUNCTION {table}_key_truncate() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN DELETE FROM {KEY_TABLE} WHERE {scopes}; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER {table}_key_insert BEFORE INSERT ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_key_insert()",
        # Only an UPDATE naming a key column fires it: status callbacks never do.
        f"CREATE TRIGGER {table}_key_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {table}_key_change()",
        f"CREATE TRIGGER {table}_key_delete AFTER DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_key_change()",
        # A TRUNCATE (a test's flush, a benchmark's reset) empties the table's keys too.
        f"CREATE TRIGGER {table}_key_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_key_truncate()",
    ]


def drop_key_triggers_sql(table: str, functions: bool = False) -> list[str]:
    drops = [
        f"DROP TRIGGER IF EXISTS {table}_key_{event} ON {table}"
        for event in ("insert", "update", "delete", "truncate")
    ]
    if functions:
        drops += [
            f"DROP FUNCTION IF EXISTS {table}_key_{f}()" for f in ("insert", "change", "truncate")
        ]
    return drops


def is_partitioned(table: str, conn: BaseDatabaseWrapper | None = None) -> bool:
    conn = conn or connection
    if not is_postgresql(conn):
        return False
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
            [table],
        )
        return cursor.fetchone() is not None


def _literal(moment: datetime) -> str:
    return f"'{moment.isoformat()}'"


def attach_month(
    spec: PartitionedTable, start: datetime, conn: BaseDatabaseWrapper | None = None
) -> bool:
    """Add the month from `start` as a partition; False when a partition covers it already.

    The month's table is made beside the parent and attached (a SHARE UPDATE EXCLUSIVE lock
    on the parent: reads and writes go on), not made with `PARTITION OF` (which locks the
    parent ACCESS EXCLUSIVE). Its CHECK spares the attach a scan; the empty default partition
    is checked for rows of the month under a short lock."""
    conn = conn or connection
    end = month_start(start, 1)
    name = partition_name(spec.table, start)
    storage = f" WITH ({spec.storage})" if spec.storage else ""
    with conn.cursor() as cursor, transaction.atomic(using=conn.alias):
        cursor.execute(
            "SELECT 1 FROM pg_class WHERE relname = %s AND pg_table_is_visible(oid)", [name]
        )
        if cursor.fetchone():
            return False
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(
            f"CREATE TABLE {name} (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
            f" INCLUDING STORAGE){storage}"
        )
        cursor.execute(
            f"ALTER TABLE {name} ADD CONSTRAINT {name}_range CHECK "
            f"({spec.column} >= {_literal(start)} AND {spec.column} < {_literal(end)})"
        )
        try:
            with transaction.atomic(using=conn.alias):
                cursor.execute(
                    f"ALTER TABLE {spec.table} ATTACH PARTITION {name} "
                    f"FOR VALUES FROM ({_literal(start)}) TO ({_literal(end)})"
                )
        except DatabaseError as error:
            # Overlaps a partition already there (the legacy one): that month is covered.
            if getattr(error.__cause__, "sqlstate", "") != "42P17":
                raise
            cursor.execute(f"DROP TABLE {name}")
            return False
        cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_range")
    return True


def default_partition_sql(spec: PartitionedTable) -> str:
    """The partition of rows no month takes (kept empty by `ensure_partitions`)."""
    storage = f" WITH ({spec.storage})" if spec.storage else ""
    return (
        f"CREATE TABLE IF NOT EXISTS {spec.table}{DEFAULT_SUFFIX} "
        f"PARTITION OF {spec.table} DEFAULT{storage}"
    )


def ensure_partitions(
    months_ahead: int = 3, now: datetime | None = None, conn: BaseDatabaseWrapper | None = None
) -> list[str]:
    """Create the partitions of this month and the next `months_ahead` for every
    partitioned table; idempotent. Returns the names created."""
    conn = conn or connection
    created: list[str] = []
    if not is_postgresql(conn):
        return created
    now = now or datetime.now(UTC)
    for spec in TABLES.values():
        if not is_partitioned(spec.table, conn):
            continue
        for months in range(months_ahead + 1):
            start = month_start(now, months)
            if attach_month(spec, start, conn):
                created.append(partition_name(spec.table, start))
    if created:
        logger.info("created partitions %s", ", ".join(created))
    return created


@dataclass(frozen=True)
class PartitionInfo:
    table: str
    name: str
    bounds: str
    approximate_rows: int


def partitions(conn: BaseDatabaseWrapper | None = None) -> list[PartitionInfo]:
    """Every partition of the partitioned tables, with its range and the planner's row
    estimate (-1 before the first ANALYZE); empty on SQLite."""
    conn = conn or connection
    if not is_postgresql(conn):
        return []
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT parent.relname, child.relname, pg_get_expr(child.relpartbound, child.oid), "
            "child.reltuples::bigint FROM pg_inherits i "
            "JOIN pg_class parent ON parent.oid = i.inhparent "
            "JOIN pg_class child ON child.oid = i.inhrelid "
            "WHERE parent.relname = ANY(%s) AND parent.relkind = 'p' "
            "ORDER BY parent.relname, child.relname",
            [list(TABLES)],
        )
        return [PartitionInfo(*row) for row in cursor.fetchall()]
