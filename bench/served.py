"""GETs over HTTP to the web process as `make run` and production start it: gunicorn with
uvicorn workers on the ASGI application, a pool of database connections per worker.

The in-process figures of a bench leave out what serving adds: the HTTP parsing, the ASGI
handler's hand-over of each request to a thread of its own, the pooled connection's check
on each request. This times the same URLs through all of it, from one kept-alive connection
with the signed-in session's cookie.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedClient:
    """The web process on a free port of this machine, in this process's environment (its
    database, cache and `ISV_VAR_DIR`, so its secrets and the session's are the same)."""

    def __init__(self, cookie: str, workers: int = 1, log_path: Path | None = None) -> None:
        from isvplatform.management.commands.run_platform import gunicorn_command

        self.port = _free_port()
        self.cookie = cookie
        command = gunicorn_command(sys.executable, "127.0.0.1", self.port, workers)
        command[command.index("--access-logfile") + 1] = "/dev/null"
        log = (log_path or Path(os.devnull)).open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT
        )
        self.conn = self._wait_for_the_server(timeout=90)

    def _wait_for_the_server(self, timeout: float) -> http.client.HTTPConnection:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the web process exited")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                return conn
            except OSError:
                conn.close()
                time.sleep(0.3)
        raise RuntimeError(f"the web process did not answer in {timeout:.0f} s")

    def get(self, url: str) -> tuple[int, bytes]:
        self.conn.request("GET", url, headers={"Cookie": self.cookie, "Host": "localhost"})
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
