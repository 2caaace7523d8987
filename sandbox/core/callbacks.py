"""Callbacks the sandbox makes to the platform, as Twilio makes them.

Form-encoded, signed with `X-Twilio-Signature` (HMAC-SHA1 of the URL plus the sorted
parameters, keyed with the owning account's primary auth token), recorded per attempt
and retried with backoff on later clock advances when the platform fails to answer.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from django.conf import settings
from django.db import transaction

from sandbox import faults
from sandbox.core.models import Account, Callback, CallbackAttempt
from sandbox.core.state import load_state

logger = logging.getLogger("sandbox.callbacks")

TIMEOUT_SECONDS = 5.0
DEFAULT_RETRIES = 3
BACKOFF_SECONDS = (5, 30, 120, 600, 1800)
BATCH = 500

Params = list[tuple[str, str]]
ResponseHandler = Callable[[Callback, int, str, dt.datetime], None]
_response_handlers: dict[str, ResponseHandler] = {}

_session = requests.Session()


def on_response(kind: str) -> Callable[[ResponseHandler], ResponseHandler]:
    """Register what to do with the platform's answer to a delivered callback of `kind`."""

    def register(fn: ResponseHandler) -> ResponseHandler:
        _response_handlers[kind] = fn
        return fn

    return register


def signature(url: str, params: Iterable[tuple[str, str]], token: str) -> str:
    """Twilio's request signature: URL + each name and its sorted values, HMAC-SHA1, base64."""
    grouped: dict[str, set[str]] = {}
    for name, value in params:
        grouped.setdefault(name, set()).add(value)
    payload = url + "".join(
        name + value for name in sorted(grouped) for value in sorted(grouped[name])
    )
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def build(
    *,
    kind: str,
    account_sid: str,
    url: str,
    params: Params,
    due_at: dt.datetime,
    method: str = "POST",
    resource_sid: str = "",
) -> Callback:
    """An unsaved callback; save many at once with `enqueue`."""
    return Callback(
        kind=kind,
        account_sid=account_sid,
        resource_sid=resource_sid,
        url=url,
        method=(method or "POST").upper(),
        params=[[name, value] for name, value in params],
        due_at=due_at,
        created_at=due_at,
        idempotency_token=uuid.uuid4().hex,
    )


def enqueue(callbacks: list[Callback]) -> None:
    if callbacks:
        Callback.objects.bulk_create(callbacks)


def _max_attempts(url: str) -> int:
    """1 + retries; a `#rc=N` connection override sets the retry count, as on Twilio."""
    fragment = urlsplit(url).fragment
    retries = parse_qs(fragment).get("rc", [None])[0]
    try:
        return 1 + max(0, min(5, int(retries))) if retries is not None else 1 + DEFAULT_RETRIES
    except ValueError:
        return 1 + DEFAULT_RETRIES


def _inprocess(url: str) -> bool:
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return bool(getattr(settings, "SANDBOX_CALLBACKS_INPROCESS", False) and base) and (
        url == base or url.startswith(base.rstrip("/") + "/")
    )


def _send_inprocess(method: str, url: str, body: str, headers: dict) -> tuple[int, str]:
    from django.test import Client

    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    extra["HTTP_HOST"] = parts.netloc
    client = Client(raise_request_exception=False)
    secure = parts.scheme == "https"
    if method == "GET":
        response = client.get(path, secure=secure, **extra)
    else:
        response = client.generic(
            method, path, body, "application/x-www-form-urlencoded", secure=secure, **extra
        )
    if getattr(response, "exc_info", None):
        logger.error("platform raised on callback %s", url, exc_info=response.exc_info)
    return response.status_code, response.content.decode("utf-8", "replace")


def _send(cb: Callback, url: str, token: str) -> tuple[int | None, str, str, str]:
    """One HTTP attempt: (status or None, response text, error, signature)."""
    params = [(name, value) for name, value in cb.params]
    if cb.method == "GET":
        separator = "&" if urlsplit(url).query else "?"
        url = url + (separator + urlencode(params) if params else "")
        signed, body = signature(url, (), token), ""
    else:
        signed, body = signature(url, params, token), urlencode(params)
    headers = {
        "X-Twilio-Signature": signed,
        "I-Twilio-Idempotency-Token": cb.idempotency_token,
        "User-Agent": "TwilioProxy/1.1",
    }
    try:
        if _inprocess(url):
            status, text = _send_inprocess(cb.method, url, body, headers)
        else:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = _session.request(
                cb.method,
                url,
                data=body.encode() if body else None,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
            )
            status, text = response.status_code, response.text
    except requests.RequestException as err:
        return None, "", f"{type(err).__name__}: {err}", signed
    return status, text, "", signed


def _attempt(cb: Callback, now: dt.datetime, tokens: dict[str, str]) -> CallbackAttempt:
    url = urlsplit(cb.url)._replace(fragment="").geturl()
    started = time.monotonic()
    token = tokens.get(cb.account_sid, "")
    status, text, error, signed = _send(cb, url, token)
    cb.attempts += 1
    attempt = CallbackAttempt(
        callback=cb,
        number=cb.attempts,
        at=now,
        status_code=status,
        error=error,
        signature=signed,
        duration_ms=int((time.monotonic() - started) * 1000),
        outcome=CallbackAttempt.Outcome.DELIVERED
        if status is not None and status < 400
        else CallbackAttempt.Outcome.FAILED,
    )
    cb.last_status_code = status
    cb.last_error = error
    if attempt.outcome == CallbackAttempt.Outcome.DELIVERED:
        if cb.status != Callback.Status.DELIVERED:
            cb.status, cb.delivered_at = Callback.Status.DELIVERED, now
            handler = _response_handlers.get(cb.kind)
            if handler is not None:
                handler(cb, status, text, now)
    elif cb.status != Callback.Status.DELIVERED:
        retryable = status is None or status >= 500 or status == 429
        if retryable and cb.attempts < _max_attempts(cb.url):
            delay = BACKOFF_SECONDS[min(cb.attempts - 1, len(BACKOFF_SECONDS) - 1)]
            cb.status, cb.due_at = Callback.Status.PENDING, now + dt.timedelta(seconds=delay)
        else:
            cb.status = Callback.Status.FAILED
    return attempt


def deliver_due(now: dt.datetime) -> int:
    """Deliver every callback due at `now`; returns how many were handled."""
    state = load_state()
    due = list(Callback.objects.filter(status=Callback.Status.PENDING, due_at__lte=now)[:BATCH])
    if not due:
        return 0
    if len(due) > 1 and faults.chance(state, state.reorder_callbacks):
        due.reverse()
    sids = {cb.account_sid for cb in due}
    tokens = {a.sid: a.auth_token.reveal() for a in Account.objects.filter(sid__in=sids)}
    handled = 0
    for cb in due:
        claimed = Callback.objects.filter(pk=cb.pk, status=Callback.Status.PENDING).update(
            status=Callback.Status.IN_FLIGHT
        )
        if not claimed:
            continue
        handled += 1
        cb.status = Callback.Status.IN_FLIGHT
        attempts = []
        if faults.chance(state, state.drop_callbacks):
            cb.attempts += 1
            cb.status = Callback.Status.DROPPED
            attempts.append(
                CallbackAttempt(
                    callback=cb, number=cb.attempts, at=now, outcome=CallbackAttempt.Outcome.DROPPED
                )
            )
        else:
            attempts.append(_attempt(cb, now, tokens))
            if cb.status == Callback.Status.DELIVERED and faults.chance(
                state, state.duplicate_callbacks
            ):
                attempts.append(_attempt(cb, now, tokens))
        with transaction.atomic():
            CallbackAttempt.objects.bulk_create(attempts)
            cb.save(
                update_fields=[
                    "status",
                    "due_at",
                    "attempts",
                    "delivered_at",
                    "last_status_code",
                    "last_error",
                ]
            )
    return handled
