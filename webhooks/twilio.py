"""The endpoints Twilio calls: message status callbacks and inbound messages.

Validate → parse → act. A request counts only with a valid `X-Twilio-Signature`, made with an
auth token of the account named in `AccountSid` (the tenant's subaccount, or the master
account), over the URL Twilio called. That URL is the public one: `PUBLIC_BASE_URL` plus the
path and query, or, behind a proxy that forwards the host and scheme (and settings that trust
them), the URL Django reconstructs. Anything else gets a 403 and a log line, and changes
nothing. The work itself lives in `messaging.statuses` and `messaging.inbound`.
"""

import hmac
import logging
import time
import uuid
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from isvplatform.gateway import compute_signature, validate_signature
from messaging.inbound import receive_inbound
from messaging.statuses import apply_status_callback
from provisioning.accounts import signing_tokens

logger = logging.getLogger("webhooks.twilio")

TWIML_CONTENT_TYPE = "text/xml; charset=utf-8"


def _candidate_urls(request) -> Iterator[str]:
    """The public URL first (the usual case), then the URL as Django sees it (a proxy that
    forwards host and scheme); the second is only built when the first didn't verify."""
    path = request.get_full_path()
    public = f"{settings.PUBLIC_BASE_URL}{path}"
    yield public
    absolute = request.build_absolute_uri(path)
    if absolute != public:
        yield absolute


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


def _signed_by(tokens: list, request, signature: str) -> bool:
    # One HMAC for the usual case (the public URL exactly as configured); the validator's
    # port variants and the proxy-reconstructed URL only when that doesn't match.
    public = f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"
    for token in tokens:
        expected = compute_signature(token, public, request.POST)
        if hmac.compare_digest(expected.encode(), signature.encode()):
            return True
    return any(
        validate_signature(tokens, url, request.POST, signature) for url in _candidate_urls(request)
    )


def verify_twilio_request(request) -> bool:
    """True when the request carries a valid signature of the account it names."""
    signature = request.headers.get("X-Twilio-Signature", "")
    account_sid = request.POST.get("AccountSid", "")
    if signature and account_sid:
        tokens = _tokens(account_sid)
        if tokens and _signed_by(tokens[:1], request, signature):
            return True
        fresh = _tokens(account_sid, fresh=True)
        if fresh and _signed_by(fresh, request, signature):
            return True
    logger.warning(
        "refused Twilio callback %s: %s signature (AccountSid=%s, from %s)",
        request.path,
        "invalid" if signature else "missing",
        account_sid or "-",
        request.META.get("REMOTE_ADDR", "-"),
    )
    return False


def _message_hint(request) -> str:
    try:
        return str(uuid.UUID(request.GET.get("m", "")))
    except ValueError:
        return ""


@csrf_exempt
@require_POST
def status_callback(request):
    if not verify_twilio_request(request):
        return HttpResponseForbidden("Invalid signature.")
    apply_status_callback(request.POST, message_hint=_message_hint(request))
    return HttpResponse(status=204)


def twiml(reply: str = "") -> HttpResponse:
    inner = f"<Message>{escape(reply)}</Message>" if reply else ""
    body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
    return HttpResponse(body, content_type=TWIML_CONTENT_TYPE)


@csrf_exempt
@require_POST
def inbound_message(request):
    if not verify_twilio_request(request):
        return HttpResponseForbidden("Invalid signature.")
    result = receive_inbound(request.POST)
    return twiml(result.reply)
