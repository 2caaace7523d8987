"""PostgreSQL timestamps are read by psycopg's optimised loader, with Django's values
(isvplatform/pg_timestamps.py)."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from isvplatform.pg_timestamps import (
    TIMESTAMPTZ_OID,
    UtcTimestamptzLoader,
    use_psycopg_timestamps,
)

TEXTS = [
    "2026-12-03 08:51:10.982378+00",
    "2026-12-03 08:51:10+00",
    "2026-03-08 01:59:59.5-05",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]


def _read(cursor) -> list[datetime.datetime]:
    cursor.execute("SELECT " + ", ".join(["CAST(%s AS timestamptz)"] * len(TEXTS)), TEXTS)
    return list(cursor.fetchone())


@pytest.mark.django_db
def test_timestamps_come_from_psycopgs_loader_as_django_would_read_them():
    with connection.cursor() as cursor:
        values = _read(cursor)
        if connection.vendor != "postgresql":
            assert not hasattr(connection.connection, "adapters")  # SQLite: no loaders
            assert not any(isinstance(value, datetime.datetime) for value in values)
            return
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        register_tzloader(datetime.UTC, cursor.cursor)  # Django's own, on this cursor only
        djangos = _read(cursor)
    assert loader is UtcTimestamptzLoader
    assert values == djangos
    assert [v.tzinfo for v in values] == [datetime.UTC] * len(TEXTS)
    assert values[2] == datetime.datetime(2026, 3, 8, 6, 59, 59, 500000, tzinfo=datetime.UTC)
    assert values[3] == datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


def test_a_connection_not_in_utc_keeps_djangos_loader():
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the driver connection was touched ({name})")

    for conn in (
        SimpleNamespace(vendor="postgresql", timezone=ZoneInfo("Europe/Paris"),
                        connection=Untouchable()),
        SimpleNamespace(vendor="postgresql", timezone=None, connection=Untouchable()),
        SimpleNamespace(vendor="sqlite", timezone=datetime.UTC, connection=Untouchable()),
    ):  # fmt: skip
        use_psycopg_timestamps(sender=None, connection=conn)


def test_a_session_in_another_time_zone_keeps_djangos_loader():
    registered = []
    driver = SimpleNamespace(
        info=SimpleNamespace(parameter_status=lambda name: "Europe/Paris"),
        adapters=SimpleNamespace(register_loader=lambda *args: registered.append(args)),
    )
    conn = SimpleNamespace(vendor="postgresql", timezone=datetime.UTC, connection=driver)
    use_psycopg_timestamps(sender=None, connection=conn)
    assert registered == []
    driver.info.parameter_status = lambda name: "UTC"
    use_psycopg_timestamps(sender=None, connection=conn)
    assert registered == [(TIMESTAMPTZ_OID, UtcTimestamptzLoader)]
