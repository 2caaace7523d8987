"""Which browser origins may use a publishable key, and the CORS headers they get.

A page may use the widget from an origin the tenant allowed, or from the platform's own
origin (the hosted verification page and the portal's preview). The check reads `Origin`
only: a missing Origin (a non-browser caller, or a browser that hides it) is refused, and
`Referer` is never a substitute, because it is easy to strip and its absence says nothing.
"""

from django.http import HttpRequest, HttpResponse

from verify.models import VerifyService
from verify.widget.keys import normalize_origin

ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE = "600"


def request_origin(request: HttpRequest) -> str | None:
    """The normalized `Origin` header, or None when it is missing, "null" or malformed."""
    raw = request.headers.get("Origin", "")
    if not raw or raw == "null":
        return None
    try:
        return normalize_origin(raw)
    except ValueError:
        return None


def own_origin(request: HttpRequest) -> str:
    """The origin the request was addressed to (its Host is checked by ALLOWED_HOSTS)."""
    return normalize_origin(f"{request.scheme}://{request.get_host()}")


def origin_allowed(service: VerifyService, origin: str | None, request: HttpRequest) -> bool:
    if origin is None:
        return False
    return origin in (service.allowed_origins or []) or origin == own_origin(request)


def add_cors_headers(response: HttpResponse, origin: str, *, preflight: bool = False) -> None:
    """Let `origin`, and only it, read the answer. No credentials: the widget uses none."""
    response["Access-Control-Allow-Origin"] = origin
    if preflight:
        response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE


def vary_on_origin(response: HttpResponse) -> None:
    existing = response.get("Vary", "")
    if "origin" not in existing.lower():
        response["Vary"] = f"{existing}, Origin" if existing else "Origin"
