"""gunicorn's server hooks for the web process `run_platform` starts (`--config`)."""

import os

from isvplatform.metrics import process_exited

# Access lines as JSON, redacted, with the request id and without query strings.
logger_class = "isvplatform.access_log.GunicornLogger"


def post_fork(server, worker) -> None:
    """A web worker, forked before it loads the application, pools its database connections
    (isvplatform/settings_database.py) unless `DB_POOL` says otherwise."""
    os.environ.setdefault("DB_POOL", "true")


def child_exit(server, worker) -> None:
    """A web worker exited: its live metric samples stop counting (prometheus-client's
    multiprocess mode; its counters stay in the merged totals)."""
    process_exited(worker.pid)
