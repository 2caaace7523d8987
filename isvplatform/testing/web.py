"""The platform's real web server for integration tests: the very command `run_platform`
starts (gunicorn with uvicorn workers on the ASGI app), on a free port, against the test
database, as `isvplatform.settings` (not the test settings)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from isvplatform.management.commands.run_platform import gunicorn_command
from isvplatform.testing.worker import database_url_for_subprocess


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebServer:
    def __init__(self, port: int, process: subprocess.Popen, log_path: Path) -> None:
        self.port = port
        self.process = process
        self.log_path = log_path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/healthz", timeout=2).close()
        except urllib.error.HTTPError:
            return True  # a 503 (no worker seen) is an answer too
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_web_server(
    tmp_path: Path, workers: int = 1, extra_env: dict[str, str] | None = None
) -> WebServer:
    """Start the server and wait until it answers `/healthz` (a minute at most)."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
        "DATABASE_URL": database_url_for_subprocess(),
        "ISV_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_QUEUE_ROUTING": "false",  # as the suite's workers (testing/worker.py)
        "API_TENANT_CONCURRENCY": "0",  # no per-tenant limit, as in settings_test.py
        **(extra_env or {}),
    }
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["REDIS_URL"] = settings.CELERY_BROKER_URL
    log_path = tmp_path / f"web-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            gunicorn_command(sys.executable, "127.0.0.1", port, workers),
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
        )  # fmt: skip
    server = WebServer(port, process, log_path)
    deadline = time.monotonic() + 60
    while not server.answers():
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"The web server did not start:\n{server.log()[-4000:]}")
        time.sleep(0.3)
    return server
