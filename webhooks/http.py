"""The one HTTP client that posts to tenants' endpoints: a timeout always, no redirects, and
no private or loopback addresses unless `WEBHOOK_ALLOW_PRIVATE_URLS` (local demos) allows.

The address check and the connection use one DNS answer: requests-hardened (Saleor's) resolves
the host once, refuses a private answer, and connects to that very address, keeping the host
name for the Host header, TLS SNI and certificate checks. A name that answers a public address
to a check and a private one to the connection (DNS rebinding) therefore never reaches inside.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests_hardened import Config, Manager
from requests_hardened.ip_filter import EXTRA_BLOCKED_NET_RANGES, InvalidIPAddress

EXCERPT_CHARS = 500
CONNECT_TIMEOUT_SECONDS = 5.0


def _session(*, filter_ips: bool) -> requests.Session:
    config = Config(
        ip_filter_enable=filter_ips,
        ip_filter_allow_loopback_ips=False,
        never_redirect=True,
        default_timeout=(CONNECT_TIMEOUT_SECONDS, 10.0),
    )
    return Manager(config).get_session()


_pinned_session = _session(filter_ips=True)
_open_session = _session(filter_ips=False)


class UnsafeURL(ValueError):
    """The URL points somewhere the platform must not post to."""


PRIVATE_URL_REFUSED = (
    "The URL points to a private or local address, and webhooks go only to public "
    "addresses. For local development, the platform's operator can allow such URLs with "
    "the WEBHOOK_ALLOW_PRIVATE_URLS=true setting."
)


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        not ip.is_global
        or ip.is_multicast
        or any(ip in network for network in EXTRA_BLOCKED_NET_RANGES)
    )


def check_url(url: str, *, resolve: bool = True) -> None:
    """Raise UnsafeURL unless `url` is http(s) with a host that resolves to public addresses.

    A form check only: `post_json` checks again the address it actually connects to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL("Use an http:// or https:// URL with a host name.")
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS:
        return
    host = parts.hostname
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            # Loopback by definition (RFC 6761): refused at once, without a lookup.
            raise UnsafeURL(PRIVATE_URL_REFUSED) from None
        if not resolve:
            return
        try:
            infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
        except socket.gaierror as err:
            raise UnsafeURL(f"The host {host} does not resolve.") from err
        addresses = [info[4][0] for info in infos]
    if any(_private(address) for address in addresses):
        raise UnsafeURL(PRIVATE_URL_REFUSED)


def post_json(url: str, body: bytes, headers: dict[str, str]) -> PostResult:
    """POST `body` to `url` once; the outcome (status or error) is returned, never raised."""
    started = time.perf_counter()
    session = _open_session if settings.WEBHOOK_ALLOW_PRIVATE_URLS else _pinned_session
    try:
        check_url(url, resolve=False)
        response = session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=(CONNECT_TIMEOUT_SECONDS, float(settings.WEBHOOK_TIMEOUT_SECONDS)),
            allow_redirects=False,
        )
    except UnsafeURL as err:
        return PostResult(None, str(err), "", _ms(started))
    except InvalidIPAddress:
        return PostResult(None, PRIVATE_URL_REFUSED, "", _ms(started))
    except requests.RequestException as err:
        return PostResult(None, _request_error(url, err), "", _ms(started))
    excerpt = response.text[:EXCERPT_CHARS] if response.content else ""
    return PostResult(response.status_code, _redirect_error(response), excerpt, _ms(started))


def _request_error(url: str, err: requests.RequestException) -> str:
    if isinstance(err.__cause__, socket.gaierror):
        return f"The host {urlsplit(url).hostname} does not resolve."
    return f"{type(err).__name__}: {err}"[:500]


def _redirect_error(response: requests.Response) -> str:
    """Redirects are never followed (each hop would be a new, unchecked destination)."""
    if not response.is_redirect:
        return ""
    location = response.headers.get("Location", "")[:200]
    return (
        f"HTTP {response.status_code}: the endpoint redirects to {location}; webhooks do not "
        "follow redirects, so register the final URL."
    )


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
