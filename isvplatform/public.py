"""Where the platform is and who is calling: from settings, never from headers a client sets.

Links in emails and callback URLs handed to Twilio come from `PUBLIC_BASE_URL`: built from
the request's Host header, a forged Host would put an attacker's domain into a victim's
password-reset email. The client address comes from REMOTE_ADDR unless the operator says how
many proxies in front append to X-Forwarded-For (`TRUSTED_PROXY_COUNT`).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def absolute_url(path: str) -> str:
    """`path` (starting with "/") under the platform's public base URL."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/{path.lstrip('/')}"


def public_netloc() -> str:
    """The base URL without its scheme: "platform.example.com" (plus any path prefix)."""
    return settings.PUBLIC_BASE_URL.rstrip("/").split("://", 1)[-1]


def public_is_https() -> bool:
    return settings.PUBLIC_BASE_URL.startswith("https://")


def client_ip(request: HttpRequest) -> str:
    """The caller's address: the entry the outermost trusted proxy appended, else REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    candidate = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
