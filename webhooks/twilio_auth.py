"""Who may sign a Twilio callback, and over which URL: one rule for every endpoint Twilio calls.

An endpoint declares how to find the owner of what its callback names (a message, a number
or messaging service, a TrustHub bundle ...) and is wrapped in `twilio_callback`. The
`X-Twilio-Signature` then counts only when `AccountSid` is one of that owner's accounts and
the signature was made with one of that account's tokens (current, a promoted secondary, or
the previous one during its grace period). A callback signed by another tenant's subaccount
is refused like any forgery: 403 and a log line, nothing changed. A callback naming nothing
the platform knows must be signed by the account it names; its action then finds nothing to
act on.

The signed URL is `PUBLIC_BASE_URL` plus the path and query, never taken from the request's
own headers. Only an operator who opts into proxy headers (`TRUST_X_FORWARDED_PROTO`,
`USE_X_FORWARDED_HOST`) also gets the URL the proxy reports: its `X-Forwarded-Proto` and
`X-Forwarded-Host`, never the bare `Host` header.
"""

import hmac
import logging
import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.http.request import split_domain_port, validate_host
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from isvplatform import metrics, refusals
from isvplatform.gateway import compute_signature, validate_signature
from provisioning.accounts import CallbackOwner, signing_tokens

logger = logging.getLogger("webhooks.twilio")

OwnerResolver = Callable[[HttpRequest], CallbackOwner | None]


def _first(value: str) -> str:
    return value.split(",", 1)[0].strip()


def _proxied_base(request: HttpRequest) -> str | None:
    """Scheme and host as the trusted proxy reports them; None unless the operator opted in."""
    proto_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    forwarded_host = getattr(settings, "USE_X_FORWARDED_HOST", False)
    if not proto_header and not forwarded_host:
        return None
    public = urlsplit(settings.PUBLIC_BASE_URL)
    scheme, host = public.scheme, public.netloc
    if proto_header:
        name, secure_value = proto_header
        reported = _first(request.META.get(name, ""))
        if reported:
            scheme = "https" if reported == secure_value else "http"
    if forwarded_host:
        reported = _first(request.META.get("HTTP_X_FORWARDED_HOST", ""))
        domain, _ = split_domain_port(reported)
        if domain and validate_host(domain, settings.ALLOWED_HOSTS):
            host = reported
    return f"{scheme}://{host}"


def signature_urls(request: HttpRequest) -> list[str]:
    """The URLs a genuine signature may cover: the public one, then the proxy-reported one."""
    path = request.get_full_path()
    urls = [f"{settings.PUBLIC_BASE_URL}{path}"]
    proxied = _proxied_base(request)
    if proxied is not None and f"{proxied}{path}" not in urls:
        urls.append(f"{proxied}{path}")
    return urls


# Tokens per account, cached briefly so the hot path needn't query and decrypt them for every
# callback. Only the cached primary token is trusted from the cache; a signature made with any
# other token (a rotation in progress) is checked against fresh tokens, so a previous token
# stops verifying when its validity ends (at most TOKEN_CACHE_SECONDS later if it was the
# primary one until a rotation that kept no grace period).
TOKEN_CACHE_SECONDS = 10.0
_token_cache: dict[str, tuple[float, list]] = {}


def _tokens(account_sid: str, fresh: bool = False) -> list:
    now = time.monotonic()
    cached = None if fresh else _token_cache.get(account_sid)
    if cached is not None and now - cached[0] < TOKEN_CACHE_SECONDS:
        return cached[1]
    tokens = signing_tokens(account_sid)
    if tokens:
        _token_cache[account_sid] = (now, tokens)
    else:
        _token_cache.pop(account_sid, None)
    return tokens


def _signed_by(tokens: list, request: HttpRequest, signature: str) -> bool:
    # One HMAC for the usual case (the public URL exactly as configured); the validator's
    # port variants and the proxy-reported URL only when that doesn't match.
    urls = signature_urls(request)
    for token in tokens:
        expected = compute_signature(token, urls[0], request.POST)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return True
    return any(validate_signature(tokens, url, request.POST, signature) for url in urls)


def _refusal(request: HttpRequest, owner: CallbackOwner | None) -> str | None:
    """Why the callback doesn't count, or None when it does."""
    signature = request.headers.get("X-Twilio-Signature", "")
    account_sid = request.POST.get("AccountSid", "")
    if not signature:
        return "missing signature"
    if not account_sid:
        return "no AccountSid"
    if owner is not None and account_sid not in owner.account_sids:
        return f"signed by an account that doesn't own it (tenant {owner.tenant_id} does)"
    tokens = _tokens(account_sid)
    if tokens and _signed_by(tokens[:1], request, signature):
        return None
    fresh = _tokens(account_sid, fresh=True)
    if fresh and _signed_by(fresh, request, signature):
        return None
    return "invalid signature"


def verify_twilio_request(request: HttpRequest, owner: CallbackOwner | None) -> bool:
    """True when the owner of what the callback names signed it (see the module docstring)."""
    problem = _refusal(request, owner)
    if problem is None:
        return True
    reason = (
        "wrong_account" if problem.startswith("signed by") else problem.replace(" ", "_").lower()
    )
    refusals.record_refusal(_endpoint_name(request), reason)
    logger.warning(
        "refused Twilio callback %s: %s (AccountSid=%s, from %s)",
        request.path,
        problem,
        request.POST.get("AccountSid", "") or "-",
        request.META.get("REMOTE_ADDR", "-"),
    )
    return False


def _endpoint_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unknown"


def _admitted(request: HttpRequest, view: Callable, owner_of: OwnerResolver) -> HttpResponse:
    owner = owner_of(request)
    if not verify_twilio_request(request, owner):
        return HttpResponseForbidden("Invalid signature.")
    return view(request, owner)


def twilio_callback(owner_of: OwnerResolver):
    """Make a view an endpoint Twilio calls: POST only, CSRF-exempt, reached only when signed
    by the owner `owner_of` finds; the view gets that owner (None: names nothing known).
    How long each took, refusals included, is `isv_callback_duration_seconds`."""

    def decorate(view):
        @csrf_exempt
        @require_POST
        @wraps(view)
        def endpoint(request):
            started = time.perf_counter()
            outcome = "error"
            try:
                response = _admitted(request, view, owner_of)
                outcome = metrics.http_outcome(response.status_code)
                return response
            finally:
                metrics.observe_callback(
                    _endpoint_name(request), outcome, time.perf_counter() - started
                )

        return endpoint

    return decorate
