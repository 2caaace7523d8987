"""The one HTTP client that posts to tenants' endpoints: a timeout always, no redirects, and
no private or loopback addresses unless `WEBHOOK_ALLOW_PRIVATE_URLS` (local demos) allows."""

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

EXCERPT_CHARS = 500
_session = requests.Session()


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
    return not ip.is_global or ip.is_multicast


def check_url(url: str, *, resolve: bool = True) -> None:
    """Raise UnsafeURL unless `url` is http(s) with a host that resolves to public addresses."""
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
    started = time.perf_counter()
    try:
        check_url(url)
        response = _session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=(5.0, float(settings.WEBHOOK_TIMEOUT_SECONDS)),
            allow_redirects=False,
        )
    except UnsafeURL as err:
        return PostResult(None, str(err), "", _ms(started))
    except requests.RequestException as err:
        return PostResult(None, f"{type(err).__name__}: {err}"[:500], "", _ms(started))
    excerpt = response.text[:EXCERPT_CHARS] if response.content else ""
    return PostResult(response.status_code, "", excerpt, _ms(started))


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
