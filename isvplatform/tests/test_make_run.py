"""`make run` starts web + worker + beat on a free port and answers /healthz."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.integration
def test_make_run_starts_the_platform_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "ISV_VAR_DIR": str(tmp_path / "var"),
        "CELERY_QUEUE": f"smoke-{port}",
        "CELERY_QUEUE_PREFIX": f"smoke-{port}-",  # its named queues apart from others'
        "WEB_WORKERS": "1",
    }
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            ["make", "run"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        body, deadline = None, time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        output = log_path.read_text(errors="replace")
        assert body is not None, output[-3000:]
        assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "ok")
        assert "admin " in output and "owner@demo.example" in output, output[-3000:]
        _assert_serves_metrics(port, tmp_path / "var" / "metrics-token", output)
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text(errors="replace"):
            assert time.monotonic() < deadline, "the Celery worker never became ready"
            time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise
    assert proc.returncode is not None


def _assert_serves_metrics(port: int, token_file, output: str) -> None:
    """`/metrics` answers the token `make run` generated (named in its banner), nobody else."""
    assert f"$(cat {token_file})" in output, output[-3000:]
    url = f"http://127.0.0.1:{port}/metrics"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)
    assert refused.value.code == 403
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {token_file.read_text().strip()}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        assert b"isv_outbox_oldest_age_seconds" in response.read()
