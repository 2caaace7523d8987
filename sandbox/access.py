"""Who may reach the sandbox over HTTP.

The Twilio API routes answer whoever holds an account's credentials, as Twilio does. The
human-facing pages and the handset and control endpoints play the public phone network
for every tenant at once (anyone could read any tenant's messages or inject one), so they
are served only in sandbox mode and, unless `SANDBOX_PUBLIC` opens them for a shared demo,
only to staff users or to a client on this machine.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def sandbox_mode() -> bool:
    return getattr(settings, "TWILIO_MODE", "sandbox") == "sandbox"


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (also IPv4-mapped); the socket's address, never a header."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def may_open_pages(request: HttpRequest) -> bool:
    """Staff, a loopback client, or anyone when SANDBOX_PUBLIC is set."""
    if getattr(settings, "SANDBOX_PUBLIC", False):
        return True
    user = getattr(request, "user", None)
    if user is not None and user.is_active and user.is_staff:
        return True
    return is_loopback(request.META.get("REMOTE_ADDR"))


def _off() -> JsonResponse:
    return JsonResponse({"error": "the Twilio sandbox is off"}, status=404)


def sandbox_only(view: Callable) -> Callable:
    """The Twilio API routes: answered only when the platform runs against the sandbox."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sandbox_mode():
            return _off()
        return view(request, *args, **kwargs)

    return wrapper


def pages_only(view: Callable) -> Callable:
    """Handset page and APIs, clock, faults, callback log: sandbox mode and `may_open_pages`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sandbox_mode():
            return _off()
        if not may_open_pages(request):
            return JsonResponse(
                {
                    "error": "the sandbox pages are open to staff and to this machine only "
                    "(SANDBOX_PUBLIC=true opens them to everyone)"
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
