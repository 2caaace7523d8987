"""The starvation drill: 100 open progress streams on the real web server (the command
`run_platform` starts, one worker) leave it free to answer an ordinary API request."""

import http.client
import selectors
import socket
import time

import pytest
from django.utils import timezone

from broadcasts.models import BroadcastStatus
from broadcasts.tests.factories import BroadcastFactory
from isvplatform.testing.web import start_web_server
from tenants.tests.factories import TenantFactory, make_api_key

STREAMS = 100
GENEROUS = 120.0  # seconds for everything to happen on a loaded machine; no timing asserted


def open_stream(port: int, path: str, key: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=GENEROUS)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    )
    sock.sendall(request.encode())
    sock.setblocking(False)
    return sock


def read_until_first_event(socks: list[socket.socket]) -> dict[socket.socket, bytes]:
    """What each stream sent until its first progress event (or the generous deadline)."""
    received = {sock: b"" for sock in socks}
    selector = selectors.DefaultSelector()
    for sock in socks:
        selector.register(sock, selectors.EVENT_READ)
    deadline = time.monotonic() + GENEROUS
    waiting = set(socks)
    while waiting and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=1.0):
            chunk = key.fileobj.recv(65536)
            received[key.fileobj] += chunk
            if b"event: progress" in received[key.fileobj] or not chunk:
                waiting.discard(key.fileobj)
                selector.unregister(key.fileobj)
    selector.close()
    return received


def still_open(sock: socket.socket) -> bool:
    """Whether the server still holds the stream (nothing to read, or more to read; no EOF)."""
    try:
        return sock.recv(65536) != b""
    except BlockingIOError:
        return True


@pytest.mark.integration
def test_a_hundred_open_streams_leave_the_server_free(transactional_db, tmp_path):
    tenant = TenantFactory()
    key = make_api_key(tenant)[1]
    broadcast = BroadcastFactory(
        tenant=tenant, status=BroadcastStatus.SENDING, total=5, pending=5,
        launched_at=timezone.now(),
    )  # fmt: skip
    server = start_web_server(tmp_path, extra_env={"BROADCAST_STREAM_MAX_SECONDS": "600"})
    socks: list[socket.socket] = []
    try:
        path = f"/api/v1/broadcasts/{broadcast.pk}/events"
        socks = [open_stream(server.port, path, key) for _ in range(STREAMS)]
        received = read_until_first_event(socks)

        ordinary = http.client.HTTPConnection("127.0.0.1", server.port, timeout=GENEROUS)
        ordinary.request("GET", "/api/v1/api-keys", headers={"Authorization": f"Bearer {key}"})
        answer = ordinary.getresponse()
        assert answer.status == 200, (answer.read()[:500], server.log()[-3000:])
        ordinary.close()

        started = [r for r in received.values() if r.startswith(b"HTTP/1.1 200")]
        with_event = [r for r in started if b"event: progress" in r]
        assert len(with_event) == STREAMS, server.log()[-3000:]
        assert all(b"content-type: text/event-stream" in r.lower() for r in with_event)
        assert all(still_open(s) for s in socks), "the server closed a stream"
    finally:
        for sock in socks:
            sock.close()
        server.stop()
