"""A media download from Twilio (not the sandbox) never reaches a private address: not named
by the URL, not behind a name that resolves there, not on a redirect hop. A media URL comes
from an inbound callback, which a tenant's own (connected) Twilio account can sign."""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from twilio.rest import Client

from isvplatform.gateway import RejectedRequest, download_media
from isvplatform.gateway.http import QuietTwilioHttpClient
from isvplatform.gateway.tests.conftest import ACCOUNT_SID, AUTH_TOKEN

PUBLIC_IP = "93.184.216.34"


def serve(requests: list[str], *, location: str = ""):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(302 if location else 200)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args):
            return None

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture
def internal():
    """A private service on 127.0.0.1 that answers anyone who reaches it."""
    requests: list[str] = []
    httpd = serve(requests)
    yield httpd.server_address[1], requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def live_client():
    return Client(ACCOUNT_SID, AUTH_TOKEN, http_client=QuietTwilioHttpClient(timeout=5))


@pytest.fixture
def resolver(monkeypatch):
    """Names resolve only as the test says; numeric hosts as usual."""
    answers: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            if host not in answers:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_private_media_url_is_refused_without_a_request(live_client, internal):
    port, requests = internal
    with pytest.raises(RejectedRequest, match="private or local address"):
        download_media(live_client, f"http://127.0.0.1:{port}/media", max_bytes=1000)
    assert requests == []


def test_a_name_resolving_to_loopback_is_refused(live_client, internal, resolver):
    port, requests = internal
    resolver["media.tenant.example"] = "127.0.0.1"
    with pytest.raises(RejectedRequest):
        download_media(live_client, f"http://media.tenant.example:{port}/m", max_bytes=1000)
    assert requests == []


def test_a_redirect_hop_to_a_private_address_is_refused(
    live_client, internal, resolver, monkeypatch
):
    port, requests = internal
    first_hop: list[str] = []
    public = serve(first_hop, location=f"http://127.0.0.1:{port}/m")
    real_connect = socket.socket.connect

    def connect(sock, address):
        if address[0] == PUBLIC_IP:
            address = ("127.0.0.1", public.server_address[1])
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    resolver["api.twilio.example"] = PUBLIC_IP
    try:
        with pytest.raises(RejectedRequest):
            download_media(live_client, "http://api.twilio.example:8080/Media/ME1", max_bytes=1000)
    finally:
        public.shutdown()
        public.server_close()
    assert first_hop == ["/Media/ME1"]
    assert requests == []
