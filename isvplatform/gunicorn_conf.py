"""gunicorn's server hooks for the web process `run_platform` starts (`--config`)."""

from isvplatform.metrics import process_exited

# Access lines as JSON, redacted, with the request id and without query strings.
logger_class = "isvplatform.access_log.GunicornLogger"


def child_exit(server, worker) -> None:
    """A web worker exited: its live metric samples stop counting (prometheus-client's
    multiprocess mode; its counters stay in the merged totals)."""
    process_exited(worker.pid)
