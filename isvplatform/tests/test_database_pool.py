"""A web process lends its PostgreSQL connections from a pool instead of opening one per
request (isvplatform/settings_database.py); nothing else pools."""

import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import environ
import pytest
from django.db import connection

from isvplatform.gunicorn_conf import post_fork
from isvplatform.settings_database import default_database
from isvplatform.testing.web import start_web_server
from isvplatform.testing.worker import database_url_for_subprocess

PG_URL = "postgres://isv@127.0.0.1:5432/isv"


def database_for(values: dict[str, str], active_requests: int = 24) -> dict:
    env = environ.Env()
    env.ENVIRON = values
    return default_database(env, Path("/tmp/var"), active_requests)


def test_db_pool_on_postgresql_lends_connections_from_a_pool():
    database = database_for({"DATABASE_URL": PG_URL, "DB_POOL": "true"}, active_requests=30)
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 38, "timeout": 10.0}


def test_the_pools_bounds_are_settings():
    database = database_for(
        {"DATABASE_URL": PG_URL, "DB_POOL": "1", "DB_POOL_MIN_SIZE": "1",
         "DB_POOL_MAX_SIZE": "5", "DB_POOL_TIMEOUT_SECONDS": "2.5"}
    )  # fmt: skip
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 5, "timeout": 2.5}


def test_without_db_pool_a_process_keeps_its_connection():
    database = database_for({"DATABASE_URL": PG_URL, "CONN_MAX_AGE": "600"})
    assert database["CONN_MAX_AGE"] == 600
    assert "pool" not in database.get("OPTIONS", {})


def test_sqlite_never_pools():
    database = database_for({"DB_POOL": "true"})
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == "/tmp/var/db.sqlite3"
    assert database["CONN_MAX_AGE"] == 0
    assert "pool" not in database["OPTIONS"]


def test_a_gunicorn_worker_turns_the_pool_on_unless_told_otherwise(monkeypatch):
    # An environment of its own: DB_POOL must not leak into the processes later tests start.
    environ: dict[str, str] = {}
    monkeypatch.setattr(os, "environ", environ)
    post_fork(server=None, worker=None)
    assert environ == {"DB_POOL": "true"}
    environ["DB_POOL"] = "false"
    post_fork(server=None, worker=None)
    assert environ == {"DB_POOL": "false"}


def _backends(application_name: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name]
        )
        return {pid for (pid,) in cursor.fetchall()}


def _answer(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code  # 503: no worker seen; the database was asked all the same


@pytest.mark.django_db
def test_the_real_web_process_reuses_its_connections_across_requests(tmp_path, monkeypatch):
    """Each request's connection is closed at its end (asgi_limits.close_request_connections);
    pooled, the close hands it back, so 40 requests are served by the pool's few backends,
    the same ones throughout, and they stay connected between requests."""
    monkeypatch.delenv("DB_POOL", raising=False)
    name = f"pool-probe-{uuid.uuid4().hex[:12]}"
    url = database_url_for_subprocess()
    if connection.vendor == "postgresql":
        url += f"?application_name={name}"
    server = start_web_server(tmp_path, extra_env={"DATABASE_URL": url})
    try:
        answers = [_answer(f"{server.url}/healthz") for _ in range(20)]
        first = _backends(name) if connection.vendor == "postgresql" else set()
        answers += [_answer(f"{server.url}/healthz") for _ in range(20)]
        second = _backends(name) if connection.vendor == "postgresql" else set()
    finally:
        server.stop()
    assert set(answers) <= {200, 503} and len(answers) == 40
    if connection.vendor == "postgresql":
        # The pool's few (min_size, one more if a request came while they were opening),
        # idle between requests; unpooled, every request's would be closed already.
        assert 1 <= len(first) <= 4, first
        assert second == first
    else:
        assert first == second == set()  # SQLite: a file, nothing to pool
