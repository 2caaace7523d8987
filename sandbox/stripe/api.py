"""One request to the local Stripe, from the in-process client or the HTTP view: route,
Bearer auth with the sandbox's secret key, `Idempotency-Key` on POSTs, JSON answer.

Idempotency as Stripe does it: a POST's successful answer is kept under its key for 24
hours; the same key with the same parameters gets that answer again (`Idempotent-Replayed:
true`), with other parameters a 400 `idempotency_error`. Failed requests are not kept.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.core import dispatch as twilio_dispatch
from sandbox.stripe import keys, resources
from sandbox.stripe.errors import StripeApiError
from sandbox.stripe.models import StripeIdempotentRequest
from sandbox.stripe.params import decode

logger = logging.getLogger(__name__)

IDEMPOTENCY_TTL = timedelta(hours=24)
Answer = tuple[int, dict[str, Any], dict[str, str]]

ROUTES: list[tuple[str, re.Pattern, Callable[..., dict[str, Any]]]] = [
    ("POST", re.compile(r"^/v1/customers$"), resources.customer_create),
    ("GET", re.compile(r"^/v1/customers/([^/]+)$"), resources.customer_retrieve),
    ("GET", re.compile(r"^/v1/billing/meters$"), resources.meter_list),
    ("POST", re.compile(r"^/v1/billing/meters$"), resources.meter_create),
    ("GET", re.compile(r"^/v1/billing/meters/([^/]+)$"), resources.meter_retrieve),
    ("POST", re.compile(r"^/v1/billing/meter_events$"), resources.meter_event_create),
    (
        "GET",
        re.compile(r"^/v1/billing/meters/([^/]+)/event_summaries$"),
        resources.event_summaries,
    ),
]


def _bearer(headers: dict[str, str]) -> str | None:
    header = headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(value.strip()).decode().partition(":")[0]
        except (binascii.Error, UnicodeDecodeError):
            return ""
    return None


def _authenticate(headers: dict[str, str]) -> None:
    key = _bearer(headers)
    if not key:
        raise StripeApiError(
            401,
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY').",
        )
    if not keys.is_valid(key):
        raise StripeApiError(401, f"Invalid API Key provided: {keys.masked(key)}")


def _route(method: str, path: str) -> tuple[Callable[..., dict[str, Any]], tuple[str, ...]]:
    for route_method, pattern, handler in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return handler, match.groups()
    twilio_dispatch.unimplemented_calls.append(f"stripe {method} {path}")
    logger.error("sandbox: unimplemented Stripe operation %s %s", method, path)
    raise StripeApiError(
        404,
        f"Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs.",
    )


def _fingerprint(method: str, path: str, body: str) -> str:
    canonical = urlencode(sorted(parse_qsl(body or "", keep_blank_values=True)))
    return hashlib.sha256(f"{method} {path} {canonical}".encode()).hexdigest()


def _replay(key: str, fingerprint: str) -> Answer | None:
    saved = StripeIdempotentRequest.objects.filter(
        key=key, created__gte=timezone.now() - IDEMPOTENCY_TTL
    ).first()
    if saved is None:
        StripeIdempotentRequest.objects.filter(key=key).delete()
        return None
    if saved.fingerprint != fingerprint:
        raise StripeApiError(
            400,
            "Keys for idempotent requests can only be used with the same parameters they were "
            f"first used with. Try using a key other than '{key}' if you meant to execute a "
            "different request.",
            type="idempotency_error",
        )
    return saved.status, json.loads(saved.body), {"Idempotent-Replayed": "true"}


def _execute(method: str, path: str, query: str, body: str, key: str) -> Answer:
    handler, args = _route(method, path)
    params = decode(body if method == "POST" else query)
    if not key:
        with transaction.atomic():
            return 200, handler(params, *args), {}
    fingerprint = _fingerprint(method, path, body)
    replayed = _replay(key, fingerprint)
    if replayed is not None:
        return replayed
    try:
        with transaction.atomic():
            answer = handler(params, *args)
            StripeIdempotentRequest.objects.create(
                key=key,
                fingerprint=fingerprint,
                status=200,
                body=json.dumps(answer),
                created=timezone.now(),
            )
    except IntegrityError:
        raise StripeApiError(
            409,
            "There is currently another in-progress request using this Idempotency-Key "
            "(that probably means you submitted twice, and the other request is still going "
            f"through): {key}. Please try again later.",
            type="idempotency_error",
        ) from None
    return 200, answer, {}


def handle(method: str, path: str, query: str, body: str, headers: dict[str, str]) -> Answer:
    """`(status, JSON body, headers)` for one request; `path` starts with `/v1/`."""
    method = method.upper()
    headers = {name.lower(): value for name, value in (headers or {}).items()}
    key = headers.get("idempotency-key", "") if method == "POST" else ""
    extra = {"Request-Id": f"req_{uuid.uuid4().hex[:14]}"}
    if key:
        extra["Idempotency-Key"] = key
    try:
        _authenticate(headers)
        status, answer, more = _execute(method, path, query, body, key)
    except StripeApiError as err:
        return err.status, err.body(), extra
    return status, answer, {**extra, **more}
