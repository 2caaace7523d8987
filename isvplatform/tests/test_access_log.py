"""The web process's access log: JSON lines, the request id on each, and never a query
string (signed links, widget tokens, searched phone numbers)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config

from isvplatform.access_log import ACCESS_REQUEST_ID, AccessFormatter, GunicornLogger
from isvplatform.management.commands.run_platform import gunicorn_command

SECRET = "sig=Zk9vYmFyLXNpZ25lZC1saW5rLXNlY3JldA"
NUMBER = "18135550142"
TARGET = f"/healthz?{SECRET}&search=%2B{NUMBER}&token=wt_0123456789abcdef"


def assert_clean(text: str) -> None:
    for leak in (SECRET, NUMBER, "wt_0123456789abcdef", "search="):
        assert leak not in text, leak


def test_uvicorns_access_record_loses_its_query_and_gains_the_request_id():
    import logging

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "h11_impl.py", 1,
        '%s - "%s %s HTTP/%s" %d', ("10.0.0.9:5123", "GET", TARGET, "1.1", 200), None,
    )  # fmt: skip
    token = ACCESS_REQUEST_ID.set("trace-abc-12345")
    try:
        line = AccessFormatter().format(record)
    finally:
        ACCESS_REQUEST_ID.reset(token)
    assert_clean(line)
    event = json.loads(line)
    assert (event["event"], event["path"], event["status"]) == ("access", "/healthz", 200)
    assert event["request_id"] == "trace-abc-12345" and event["method"] == "GET"


def test_gunicorns_own_access_call_is_structured_too(capsys):
    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    response = SimpleNamespace(status="200 OK", headers=[("X-Request-ID", "trace-def-67890")])
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "QUERY_STRING": TARGET.split("?", 1)[1],
        "RAW_URI": TARGET,
        "REMOTE_ADDR": "10.0.0.9",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12))
    line = capsys.readouterr().out.strip()
    assert_clean(line)
    event = json.loads(line)
    assert event["request_id"] == "trace-def-67890" and event["duration_ms"] == 12.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Request-ID": "trace-real-0042"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.headers.get("X-Request-ID", "")
    except urllib.error.HTTPError as err:
        return err.headers.get("X-Request-ID", "")


def _first_answer(url: str) -> str:
    """The X-Request-ID of the first answer, once the web process listens."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            return _get(url)
        except OSError:
            time.sleep(0.5)
    return ""


def test_the_real_web_command_logs_no_query_string(tmp_path):
    port = _free_port()
    command = gunicorn_command(sys.executable, "127.0.0.1", port, 1)
    env = {**os.environ, "ISV_VAR_DIR": str(tmp_path), "LOG_FORMAT": "json", "DEBUG": "false"}
    with Path(tmp_path, "web.log").open("w") as out:
        web = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            answered = _first_answer(f"http://127.0.0.1:{port}{TARGET}")
            assert answered == "trace-real-0042"
            time.sleep(0.5)
        finally:
            web.terminate()
            web.wait(timeout=30)
    text = Path(tmp_path, "web.log").read_text()
    assert_clean(text)
    access = [
        json.loads(line)
        for line in text.splitlines()
        if line.startswith("{") and '"event": "access"' in line
    ]
    assert access, text[-2000:]
    assert access[-1]["path"] == "/healthz" and access[-1]["request_id"] == "trace-real-0042"
