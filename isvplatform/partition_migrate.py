"""Turning a live table into a monthly-partitioned one (and back), for the migrations.

Forward, in short steps, each its own transaction (the migration is non-atomic), so the
table keeps taking reads and writes throughout:

1. key triggers on the plain table, then the existing keys copied into the key table
   (ROW EXCLUSIVE on the key table, ACCESS SHARE on the table: no writer waits);
2. `CREATE INDEX CONCURRENTLY` of (id, partition column), the future primary key, and a
   plain index per unique constraint the key table takes over (SHARE UPDATE EXCLUSIVE:
   reads and writes go on);
3. a CHECK (partition column < start of next month) added NOT VALID (ACCESS EXCLUSIVE for
   an instant, no scan), then VALIDATEd (SHARE UPDATE EXCLUSIVE while it scans: reads and
   writes go on);
4. the swap, one transaction under ACCESS EXCLUSIVE on the table with a `lock_timeout` (so
   it fails fast instead of queueing traffic behind it; rerun the migration then): the
   table is renamed `<table>_p_legacy`, its unique constraints dropped and its primary key
   rebuilt on the index of step 2, an empty partitioned parent made under the old name
   with the same columns, defaults, checks, foreign keys, indexes and identity sequence
   (set past the old one's last value), and the old table attached as the partition of
   everything before next month. The validated CHECK spares the attach its scan and the
   matching indexes are adopted, not rebuilt: every statement here is catalog-only;
5. the default partition and the coming months' partitions (`partitions.attach_month`).

Backward merges every partition back into the legacy table in one transaction and rebuilds
the unique constraints: correct but not live-safe (it holds ACCESS EXCLUSIVE while it
copies and indexes), meant for development and tests.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from isvplatform.partitions import (
    KEY_TABLE,
    LEGACY_SUFFIX,
    LOCK_TIMEOUT,
    PartitionedTable,
    attach_month,
    default_partition_sql,
    drop_key_triggers_sql,
    is_partitioned,
    key_trigger_sql,
    key_values,
    month_start,
)

MONTHS_AHEAD = 3


def legacy_bound(now: datetime) -> datetime:
    """Where the legacy partition ends: next month, or the one after when this one is all
    but over (the CHECK must hold for every row written while the migration runs)."""
    bound = month_start(now, 1)
    return month_start(now, 2) if bound - now < timedelta(days=2) else bound


def _run(conn: BaseDatabaseWrapper, statements: list[str], lock_timeout: bool = True) -> None:
    with conn.cursor() as cursor, transaction.atomic(using=conn.alias):
        if lock_timeout:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        for sql in statements:
            cursor.execute(sql)


def _fetch(conn: BaseDatabaseWrapper, sql: str, params: list | None = None) -> list[tuple]:
    with conn.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


def _create_index_concurrently(conn: BaseDatabaseWrapper, name: str, definition: str) -> None:
    """Build an index without blocking writes; a broken one left by an interrupted run is
    dropped first (IF NOT EXISTS would keep it)."""
    invalid = _fetch(
        conn,
        "SELECT 1 FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
        "WHERE c.relname = %s AND NOT x.indisvalid",
        [name],
    )
    with conn.cursor() as cursor:
        if invalid:
            cursor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        cursor.execute(
            f"CREATE {definition.replace('INDEX', 'INDEX CONCURRENTLY IF NOT EXISTS', 1)}"
        )


def _key_index_name(name: str) -> str:
    return f"{name[:56]}_nu"


def _prepare(conn: BaseDatabaseWrapper, spec: PartitionedTable, bound: datetime) -> None:
    """Steps 1 to 3: nothing here blocks the table's writers for more than an instant."""
    table = spec.table
    _run(conn, drop_key_triggers_sql(table) + key_trigger_sql(spec))
    _run(
        conn,
        [
            f"INSERT INTO {KEY_TABLE} (key) SELECT k FROM {table} AS r "
            f"CROSS JOIN LATERAL (VALUES {key_values(spec, 'r')}) AS v(k) "
            "WHERE k IS NOT NULL ON CONFLICT DO NOTHING"
        ],
        lock_timeout=False,
    )
    _create_index_concurrently(
        conn, f"{table}_pk_part", f"UNIQUE INDEX {table}_pk_part ON {table} (id, {spec.column})"
    )
    for key in spec.keys:
        name = _key_index_name(key.name)
        _create_index_concurrently(
            conn, name, f"INDEX {name} ON {table} ({', '.join(key.columns)})"
        )
    _run(
        conn,
        [
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_range",
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_range "
            f"CHECK ({spec.column} < '{bound.isoformat()}') NOT VALID",
        ],
    )
    _run(conn, [f"ALTER TABLE {table} VALIDATE CONSTRAINT {table}_range"], lock_timeout=False)


def _identity_columns(conn: BaseDatabaseWrapper, table: str) -> list[tuple[str, int | None]]:
    return _fetch(
        conn,
        "SELECT attname, pg_sequence_last_value(pg_get_serial_sequence(%s, attname)) "
        "FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> ''",
        [table, table],
    )


def _identity_sql(table: str, identities: list[tuple[str, int | None]]) -> list[str]:
    """Give `table` its identity columns again, their sequences past `last_value`."""
    statements = []
    for column, last_value in identities:
        statements.append(
            f"ALTER TABLE {table} ALTER {column} ADD GENERATED BY DEFAULT AS IDENTITY"
        )
        if last_value is not None:
            sequence = f"pg_get_serial_sequence('{table}', '{column}')"
            statements.append(f"SELECT setval({sequence}, {int(last_value)})")
    return statements


def _swap(conn: BaseDatabaseWrapper, spec: PartitionedTable, bound: datetime) -> None:
    """Step 4, one short transaction of catalog changes."""
    table, legacy = spec.table, spec.table + LEGACY_SUFFIX
    with conn.cursor() as cursor, transaction.atomic(using=conn.alias):
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        referencing = _fetch(
            conn,
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND confrelid = %s::regclass",
            [table],
        )
        if referencing:
            raise RuntimeError(f"foreign keys still reference {table}: {referencing}")
        identities = _identity_columns(conn, table)
        foreign_keys = _fetch(
            conn,
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = %s::regclass",
            [table],
        )
        indexes = _fetch(
            conn,
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisunique",
            [table],
        )
        statements = [f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {k.name}" for k in spec.keys]
        statements += [
            f"ALTER TABLE {table} ALTER {column} DROP IDENTITY" for column, _ in identities
        ]
        statements += [
            f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey",
            f"ALTER TABLE {table} ADD CONSTRAINT {legacy}_pkey PRIMARY KEY USING INDEX "
            f"{table}_pk_part",
            *drop_key_triggers_sql(table),
            f"ALTER TABLE {table} RENAME TO {legacy}",
            *(f"ALTER INDEX {name} RENAME TO {name[:60]}_l" for name, _ in indexes),
            f"CREATE TABLE {table} (LIKE {legacy} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ({spec.column})",
            f"ALTER TABLE {table} DROP CONSTRAINT {table}_range",
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id, {spec.column})",
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} {d}" for name, d in foreign_keys),
            *(definition for _, definition in indexes),
        ]
        statements += _identity_sql(table, identities)
        statements += [
            f"ALTER TABLE {table} ATTACH PARTITION {legacy} "
            f"FOR VALUES FROM (MINVALUE) TO ('{bound.isoformat()}')",
            f"ALTER TABLE {legacy} DROP CONSTRAINT {table}_range",
            *key_trigger_sql(spec),
            default_partition_sql(spec),
        ]
        for sql in statements:
            cursor.execute(sql)


def partition_table(
    conn: BaseDatabaseWrapper, spec: PartitionedTable, now: datetime | None = None
) -> None:
    """Partition `spec.table` by month while it takes traffic; no-op if done (or SQLite)."""
    if conn.vendor != "postgresql" or is_partitioned(spec.table, conn):
        return
    now = now or datetime.now(UTC)
    bound = legacy_bound(now)
    _prepare(conn, spec, bound)
    _swap(conn, spec, bound)
    start = bound
    while start <= month_start(now, MONTHS_AHEAD):
        attach_month(spec, start, conn)
        start = month_start(start, 1)


def _index_pairs(conn: BaseDatabaseWrapper, parent: str, child: str) -> list[tuple[str, str]]:
    """(parent index, the child partition's index attached to it)."""
    return _fetch(
        conn,
        "SELECT pi.relname, ci.relname FROM pg_inherits i "
        "JOIN pg_class pi ON pi.oid = i.inhparent JOIN pg_class ci ON ci.oid = i.inhrelid "
        "JOIN pg_index x ON x.indexrelid = ci.oid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
        [child],
    )


def unpartition_table(conn: BaseDatabaseWrapper, spec: PartitionedTable) -> None:
    """Merge the partitions back into one plain table (not live-safe; see the module)."""
    if conn.vendor != "postgresql" or not is_partitioned(spec.table, conn):
        return
    table, legacy = spec.table, spec.table + LEGACY_SUFFIX
    with conn.cursor() as cursor, transaction.atomic(using=conn.alias):
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        identities = _identity_columns(conn, table)
        pairs = _index_pairs(conn, table, legacy)
        columns = ", ".join(
            f'"{name}"'
            for (name,) in _fetch(
                conn,
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [table],
            )
        )
        statements = [
            f"ALTER TABLE {table} DETACH PARTITION {legacy}",
            *(sql.replace(f" ON {table}", f" ON {legacy}") for sql in drop_key_triggers_sql(table)),
            f"INSERT INTO {legacy} ({columns}) SELECT {columns} FROM {table}",
            f"DROP TABLE {table}",
            f"ALTER TABLE {legacy} RENAME TO {table}",
            *drop_key_triggers_sql(table, functions=True),
            *(f"ALTER INDEX {child} RENAME TO {parent}" for parent, child in pairs),
            *(f"DROP INDEX IF EXISTS {_key_index_name(k.name)}" for k in spec.keys),
            *(
                f"ALTER TABLE {table} ADD CONSTRAINT {k.name} UNIQUE ({', '.join(k.columns)})"
                for k in spec.keys
            ),
            f"ALTER TABLE {table} DROP CONSTRAINT {legacy}_pkey",
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)",
            *(f"DELETE FROM {KEY_TABLE} WHERE key LIKE '{k.scope}:%'" for k in spec.keys),
        ]
        if spec.storage:
            statements.append(f"ALTER TABLE {table} SET ({spec.storage})")
        statements += _identity_sql(table, identities)
        for sql in statements:
            cursor.execute(sql)


def forwards(*tables: str):
    """A RunPython function partitioning `tables` (names in `partitions.TABLES`)."""
    from isvplatform.partitions import TABLES

    def run(apps, schema_editor) -> None:
        for table in tables:
            partition_table(schema_editor.connection, TABLES[table])

    return run


def backwards(*tables: str):
    from isvplatform.partitions import TABLES

    def run(apps, schema_editor) -> None:
        for table in reversed(tables):
            unpartition_table(schema_editor.connection, TABLES[table])

    return run
