"""Outbound posts connect to the very address that was checked: a name that answers a public
address first and a private one next (DNS rebinding) never reaches the private service, and
a redirect is never followed to a new, unchecked destination.

The network is simulated at its two edges only: `socket.getaddrinfo` is a scripted resolver,
and `socket.connect` to PUBLIC_IP is routed to a local server standing in for the tenant's public
host. Everything between (requests, requests-hardened, urllib3) runs for real.
"""

import datetime
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tenants.services import Actor
from webhooks import http
from webhooks.models import WebhookDelivery
from webhooks.services import delivery_attempt, emit_event, endpoint_create

PUBLIC_IP = "93.184.216.34"
HOST = "hooks.tenant.example"
BODY = b'{"type":"message.status"}'


@dataclass
class Server:
    """A local HTTP server that records every request and answers `status` (+ `location`)."""

    status: int = 200
    location: str = ""
    received: list[dict] = field(default_factory=list)
    port: int = 0
    tls: ssl.SSLContext | None = None
    sni: list[str | None] = field(default_factory=list)

    def start(self) -> ThreadingHTTPServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.received.append({"headers": dict(self.headers.items()), "body": body})
                self.send_response(server.status)
                if server.location:
                    self.send_header("Location", server.location)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                return None

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = httpd.server_address[1]
        if self.tls is not None:
            self.tls.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
            httpd.socket = self.tls.wrap_socket(httpd.socket, server_side=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, signing_key, *, ca: bool, dns: str = ""):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False
        )
    return builder.sign(signing_key, hashes.SHA256())


def tls_for(dns_name: str, tmp_path) -> tuple[ssl.SSLContext, str]:
    """A server context with a certificate for `dns_name`, and the CA bundle that trusts it."""
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = _certificate("Test CA", "Test CA", ca_key.public_key(), ca_key, ca=True)
    leaf = _certificate(dns_name, "Test CA", leaf_key.public_key(), ca_key, ca=False, dns=dns_name)
    ca_file, cert_file, key_file = (tmp_path / n for n in ("ca.pem", "cert.pem", "key.pem"))
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, str(ca_file)


@dataclass
class Network:
    """Scripted DNS answers per name (one per lookup, the last one repeats) and a log of
    every address a connection was opened to."""

    public_port: int
    answers: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, int] = field(default_factory=dict)
    connects: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def serve():
    """Start a Server; every one started is stopped after the test."""
    running = []

    def start(server: Server) -> Server:
        running.append(server.start())
        return server

    yield start
    for httpd in running:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def servers(serve):
    """`internal`: a private service on 127.0.0.1; `public`: the tenant's public host."""
    return serve(Server()), serve(Server())


@pytest.fixture
def network(monkeypatch, servers, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    _internal, public = servers
    net = Network(public_port=public.port)
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            pass
        else:
            return real_getaddrinfo(host, port, family, type, proto, flags)
        if host not in net.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        count = net.lookups.get(host, 0)
        net.lookups[host] = count + 1
        script = net.answers[host]
        address = script[min(count, len(script) - 1)]
        if ipaddress.ip_address(address).version == 6:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(sock, address):
        net.connects.append(tuple(address[:2]))
        if address[0] == PUBLIC_IP:
            address = ("127.0.0.1", net.public_port)
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return net


def test_a_name_rebinding_to_loopback_after_the_check_does_not_reach_it(network, servers):
    internal, public = servers
    network.answers[HOST] = [PUBLIC_IP, "127.0.0.1"]
    result = http.post_json(f"http://{HOST}:{internal.port}/hooks", BODY, {})

    assert internal.received == [], "the rebound name reached the private service"
    assert network.connects == [(PUBLIC_IP, internal.port)]
    assert result.status_code == 200
    assert [r["body"] for r in public.received] == [BODY]


def test_a_public_address_post_keeps_the_host_name_and_delivers(network, servers, tenant):
    _internal, public = servers
    network.answers[HOST] = [PUBLIC_IP]
    url = f"http://{HOST}:{public.port}/hooks"
    endpoint_create(tenant=tenant, url=url, event_types=["message.status"], actor=Actor.system())
    emit_event(tenant_id=tenant.pk, event_type="message.status", data={})

    outcome = delivery_attempt(str(WebhookDelivery.objects.get().pk))

    assert outcome.state == WebhookDelivery.State.SUCCEEDED
    assert network.lookups == {HOST: 1}, "the address was looked up once, checked and used"
    assert network.connects == [(PUBLIC_IP, public.port)]
    assert public.received[0]["headers"]["Host"] == f"{HOST}:{public.port}"


@pytest.mark.parametrize("private", ["127.0.0.1", "10.1.2.3", "::1", "::ffff:127.0.0.1"])
def test_a_name_answering_a_private_address_is_refused_without_connecting(
    network, servers, private
):
    internal, _public = servers
    network.answers[HOST] = [private]
    result = http.post_json(f"http://{HOST}:{internal.port}/hooks", BODY, {})

    assert result.status_code is None
    assert result.error == http.PRIVATE_URL_REFUSED
    assert network.connects == []
    assert internal.received == []


def test_a_redirect_to_a_private_address_is_not_followed(network, servers):
    internal, public = servers
    network.answers[HOST] = [PUBLIC_IP]
    public.status, public.location = 302, f"http://127.0.0.1:{internal.port}/hooks"
    result = http.post_json(f"http://{HOST}:{public.port}/hooks", BODY, {})

    assert result.status_code == 302
    assert "do not follow redirects" in result.error
    assert internal.received == []
    assert network.connects == [(PUBLIC_IP, public.port)]


def test_redirects_are_not_followed_when_private_urls_are_allowed(servers, settings):
    internal, public = servers
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    public.status, public.location = 307, f"http://127.0.0.1:{internal.port}/hooks"
    result = http.post_json(f"http://127.0.0.1:{public.port}/hooks", BODY, {})

    assert result.status_code == 307
    assert len(public.received) == 1
    assert internal.received == []


@pytest.mark.parametrize("certified", [HOST, "someone-else.example"])
def test_https_to_the_pinned_address_checks_the_certificate_of_the_host_name(
    network, serve, monkeypatch, tmp_path, certified
):
    context, ca_bundle = tls_for(certified, tmp_path)
    public = serve(Server(tls=context))
    network.public_port = public.port
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_bundle)
    network.answers[HOST] = [PUBLIC_IP]
    result = http.post_json(f"https://{HOST}:{public.port}/hooks", BODY, {})

    assert network.connects == [(PUBLIC_IP, public.port)]
    assert public.sni == [HOST], "TLS SNI names the host, not the pinned address"
    if certified == HOST:
        assert result.status_code == 200
        assert [r["body"] for r in public.received] == [BODY]
    else:
        assert result.status_code is None
        assert "SSLError" in result.error
        assert public.received == []


def test_a_name_that_does_not_resolve_says_so(network):
    result = http.post_json("https://nowhere.tenant.example/hooks", BODY, {})
    assert result.status_code is None
    assert result.error == "The host nowhere.tenant.example does not resolve."


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1]/hooks",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://[::ffff:10.0.0.1]/hooks",
        "http://[fd00::1]/hooks",
        "http://[fe80::1]/hooks",
        "http://[64:ff9b::a00:1]/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hooks",
        "http://0.0.0.0/hooks",
    ],
)
def test_private_ipv6_mapped_and_translated_literals_are_refused(url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    with pytest.raises(http.UnsafeURL):
        http.check_url(url, resolve=False)
