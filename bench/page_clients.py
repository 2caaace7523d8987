"""The two ways the message-log bench calls its pages, and their timing.

`Handler` calls Django's request handler in this process: the application's own time.
`ServedClient` sends the same GETs over HTTP to the web process as `make run` and
production start it: gunicorn with uvicorn workers on the ASGI application, a pool of
database connections per worker. The in-process figures leave out what serving adds: the
HTTP parsing, the ASGI handler's hand-over of each request to a thread of its own, the
pooled connection's check on each request. The served client times the same URLs through
all of it, from one kept-alive connection with the signed-in session's cookie.
"""

import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServedClient:
    """The web process on a free port of this machine, in this process's environment (its
    database, cache and `ISV_VAR_DIR`, so its secrets and the session's are the same)."""

    def __init__(self, cookie: str, workers: int = 1, log_path: Path | None = None) -> None:
        from isvplatform.management.commands.run_platform import gunicorn_command
        from isvplatform.testing.web import WebServer, free_port

        self.port = free_port()
        self.cookie = cookie
        command = gunicorn_command(sys.executable, "127.0.0.1", self.port, workers)
        command[command.index("--access-logfile") + 1] = "/dev/null"
        log_path = log_path or Path(os.devnull)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT
            )
        self.server = WebServer(self.port, process, log_path)
        self.conn = self._wait_for_the_server(timeout=90)

    def _wait_for_the_server(self, timeout: float) -> http.client.HTTPConnection:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server.process.poll() is not None:
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
        self.server.stop()


class Handler:
    """GETs through Django's own request handler, as the web server calls it: the session's
    cookie on each request, the answer read whole and closed (`request_finished` runs).

    Not Django's test `Client`: it connects and disconnects three signal receivers per
    request, and each leaves a `weakref.finalize` behind (about 12 objects a request, never
    freed), so over the thousands of requests of the walks the garbage collector's passes
    grew and landed in the timings; the server has none of that."""

    def __init__(self, session_key: str) -> None:
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import RequestFactory

        self.handler = WSGIHandler()
        self.factory = RequestFactory()
        self.cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"

    def get(self, url: str) -> tuple[int, bytes]:
        environ = self.factory.get(url).environ
        environ["HTTP_COOKIE"] = self.cookie
        status = []
        response = self.handler(environ, lambda line, headers: status.append(line))
        try:
            body = b"".join(response)
        finally:
            response.close()
        return int(status[0].split()[0]), body


def timed(client, url: str, repeat: int) -> tuple[float, float, float, float]:
    """Wall-clock p50 and p95 of `url`, and the p50 and least of this process's CPU time per
    request (the Python part: it leaves out waiting for the database and for a CPU on a busy
    host; the least is the figure a loaded, shared host disturbs least)."""
    samples, cpu = [], []
    for _ in range(repeat):
        started, on_cpu = time.perf_counter(), time.process_time()
        status, _ = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - on_cpu) * 1000)
        assert status == 200, (url, status)
    samples.sort()
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    return statistics.median(samples), p95, statistics.median(cpu), min(cpu)


def time_pages(client, urls, args, served: bool = False) -> list[str]:
    """Each URL warmed, then timed: its line printed; the judged ones over the target.

    Served figures are printed, never judged, and without a CPU time: this process only
    reads the answers."""
    failing = []
    for label, url, judged in urls:
        judged = judged and not served
        client.get(url)  # warm
        p50, p95, cpu, least = timed(client, url, args.repeat)
        verdict = ("PASS" if p95 < args.target_ms else "FAIL") if judged else "(not judged)"
        cost = "" if served else f"  (python cpu p50 {cpu:5.1f} ms, least {least:5.1f} ms)"
        label = f"served {label}" if served else label
        print(f"{label:<37} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  {verdict:<12}{cost}")
        if judged and p95 >= args.target_ms:
            failing.append(label)
    return failing
