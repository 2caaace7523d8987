"""`/metrics`: the Prometheus exposition, for a scraper holding the token or calling from an
allowed address only.

Not configured (no `METRICS_TOKEN`, empty `METRICS_ALLOW_IPS`): 404, as for any unknown URL,
so a default install says nothing about itself. Configured, and the caller has neither the
token nor an allowed address: 403. The token is compared in constant time.
"""

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4

from isvplatform import metrics


@lru_cache(maxsize=8)
def _networks(allowed: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in allowed if entry)


def _allowed_address(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in net for net in _networks(tuple(settings.METRICS_ALLOW_IPS)))


def _has_token(request: HttpRequest) -> bool:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    token = settings.METRICS_TOKEN
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(credentials.strip().encode(), token.encode())
    )


@require_GET
def metrics_endpoint(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN and not settings.METRICS_ALLOW_IPS:
        raise Http404("Not found.")
    if not (_has_token(request) or _allowed_address(request)):
        return HttpResponseForbidden("Forbidden.")
    response = HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
    response["Cache-Control"] = "no-store"
    return response
