"""The database: `DATABASE_URL`, or SQLite under `VAR_DIR`; and a web process's pool.

A Celery worker keeps its one connection for `CONN_MAX_AGE`. A web process can't keep a
request's: under ASGI each request's Django code runs in a thread of its own, so the
connection is closed when the request finishes (`isvplatform/asgi_limits.py`), and without a
pool every request would pay for a new PostgreSQL backend (about 4 ms here). With `DB_POOL`
on, that close gives the connection back to the process's psycopg pool and the next request
takes it, already connected. gunicorn's workers turn it on (`isvplatform/gunicorn_conf.py`);
nothing else does, because a process that forks after connecting (Celery's prefork pool)
would hand its pooled sockets to every child.
"""

from pathlib import Path
from typing import Any

import environ

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


def default_database(env: environ.Env, var_dir: Path, active_requests: int) -> dict[str, Any]:
    database = env.db("DATABASE_URL", default=f"sqlite:///{var_dir / 'db.sqlite3'}")
    database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    if database["ENGINE"] == SQLITE:
        database["CONN_MAX_AGE"] = 0
        # WAL and a busy timeout let the web server, the worker and beat share the file.
        database["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif database["ENGINE"] == POSTGRESQL and env.bool("DB_POOL", default=False):
        # Django lends pooled connections only without persistent ones; the pool checks a
        # connection before it lends it (a restarted server's are replaced, not handed out).
        database["CONN_MAX_AGE"] = 0
        database["CONN_HEALTH_CHECKS"] = True
        database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            # Every active request holds one, and a stream's polls borrow a few more (the
            # event loop's shared threads); past this a request waits up to the timeout.
            "max_size": env.int("DB_POOL_MAX_SIZE", default=active_requests + 8),
            "timeout": env.float("DB_POOL_TIMEOUT_SECONDS", default=10.0),
        }
    return database
