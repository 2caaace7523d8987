"""The drill harness on a server another role has used before: CI's PostgreSQL is the one
a session left, with drill databases that role made (and this one may not drop or copy)."""

import os
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from drills import harness

pytestmark = pytest.mark.integration


def test_a_drill_database_is_made_even_where_another_role_left_one():
    workdir = Path(tempfile.mkdtemp(prefix="isv-drill-harness-"))
    os.chmod(workdir, 0o755)  # the cluster runs as the postgres OS user
    tmp_path = workdir / "var"
    tmp_path.mkdir()
    cluster = harness.PrivatePostgres(workdir).init().start()
    try:
        harness.create_database(cluster.url, "isv_drill_probe", tmp_path)
        harness._admin_execute(cluster.url, "CREATE ROLE drill_other LOGIN CREATEDB")
        other = cluster.url.replace("postgres@", "drill_other@", 1)

        url = harness.create_database(other, "isv_drill_probe", tmp_path)

        name = url.rsplit("/", 1)[1]
        owner = harness._admin_execute(
            cluster.url, f"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname='{name}'"
        )
        assert owner == [("drill_other",)]
        with psycopg.connect(url) as conn:
            applied = conn.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
        assert applied > 50
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
