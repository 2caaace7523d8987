"""SNS's HTTP(S) deliveries: JSON POSTs with the `x-amz-sns-*` headers, basic auth from
the endpoint's user:pass sent only after a 401 challenge, retried as SNS's default
delivery policy retries (3 more tries, 20 s apart), every attempt logged."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import time
from urllib.parse import unquote, urlsplit

import requests
from django.conf import settings
from django.db import transaction

from sandbox import faults
from sandbox.aws.events import USER_AGENT
from sandbox.aws.models import SnsDelivery, SnsDeliveryAttempt
from sandbox.core.state import load_state

logger = logging.getLogger("sandbox.aws")

MAX_ATTEMPTS = 4
RETRY_SECONDS = 20
TIMEOUT_SECONDS = 15.0
BATCH = 200

_session = requests.Session()


def split_credentials(endpoint: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without user:pass, and the user:pass it carried."""
    parts = urlsplit(endpoint)
    if parts.username is None:
        return endpoint, None
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    bare = parts._replace(netloc=netloc).geturl()
    return bare, (unquote(parts.username), unquote(parts.password or ""))


def masked(endpoint: str) -> str:
    """The endpoint as SNS shows it: the password replaced by ****."""
    bare, credentials = split_credentials(endpoint)
    if credentials is None:
        return endpoint
    parts = urlsplit(bare)
    return parts._replace(netloc=f"{credentials[0]}:****@{parts.netloc}").geturl()


def inprocess(url: str) -> bool:
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    return bool(getattr(settings, "SANDBOX_CALLBACKS_INPROCESS", False) and base) and (
        url == base or url.startswith(base.rstrip("/") + "/")
    )


def _post_inprocess(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    from django.test import Client

    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    extra.pop("HTTP_CONTENT_TYPE", None)
    extra["HTTP_HOST"] = parts.netloc
    response = Client(raise_request_exception=False).generic(
        "POST",
        path,
        body,
        headers.get("Content-Type", "text/plain; charset=UTF-8"),
        secure=parts.scheme == "https",
        **extra,
    )
    if getattr(response, "exc_info", None):
        logger.error("platform raised on SNS delivery to %s", url, exc_info=response.exc_info)
    return response.status_code, dict(response.headers)


def _post(url: str, body: bytes, headers: dict) -> tuple[int, dict]:
    if inprocess(url):
        return _post_inprocess(url, body, headers)
    response = _session.post(
        url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
    )
    return response.status_code, dict(response.headers)


def _headers(delivery: SnsDelivery) -> dict[str, str]:
    subscription = delivery.subscription
    headers = {
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": USER_AGENT,
        "x-amz-sns-message-type": delivery.message_type,
        "x-amz-sns-message-id": delivery.message_id,
        "x-amz-sns-topic-arn": subscription.topic.arn,
    }
    if delivery.message_type != "SubscriptionConfirmation":
        headers["x-amz-sns-subscription-arn"] = subscription.arn
    return headers


def attempt(delivery: SnsDelivery, now: dt.datetime) -> SnsDeliveryAttempt:
    """One try: unauthenticated, then with basic auth if the endpoint challenged (401)."""
    url, credentials = split_credentials(delivery.subscription.endpoint)
    body = json.dumps(delivery.body).encode()
    headers = _headers(delivery)
    started = time.monotonic()
    status, error, authenticated = None, "", False
    try:
        status, answer_headers = _post(url, body, headers)
        challenged = status == 401 and any(k.lower() == "www-authenticate" for k in answer_headers)
        if challenged and credentials is not None:
            token = base64.b64encode(":".join(credentials).encode()).decode()
            headers["Authorization"] = f"Basic {token}"
            status, _ = _post(url, body, headers)
            authenticated = True
    except requests.RequestException as err:
        error = f"{type(err).__name__}: {err}"
    delivery.attempts += 1
    ok = status is not None and 200 <= status < 300
    delivery.last_status_code, delivery.last_error = status, error
    if ok:
        delivery.status, delivery.delivered_at = SnsDelivery.Status.DELIVERED, now
    elif (status is None or status >= 500 or status == 429) and delivery.attempts < MAX_ATTEMPTS:
        delivery.status = SnsDelivery.Status.PENDING
        delivery.due_at = now + dt.timedelta(seconds=RETRY_SECONDS)
    else:
        delivery.status = SnsDelivery.Status.FAILED
    return SnsDeliveryAttempt(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        outcome=SnsDeliveryAttempt.Outcome.DELIVERED if ok else SnsDeliveryAttempt.Outcome.FAILED,
        status_code=status,
        authenticated=authenticated,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def _dropped(delivery: SnsDelivery, now: dt.datetime) -> SnsDeliveryAttempt:
    delivery.attempts += 1
    delivery.status, delivery.last_error = SnsDelivery.Status.FAILED, "dropped (fault)"
    return SnsDeliveryAttempt(
        delivery=delivery,
        number=delivery.attempts,
        at=now,
        outcome=SnsDeliveryAttempt.Outcome.FAILED,
        error="dropped by fault injection (drop_callbacks)",
    )


def deliver_due(now: dt.datetime) -> int:
    """Deliver each due SNS message once (claimed first, so two tickers never both send).
    The callback faults apply: `drop_callbacks`, `duplicate_callbacks` (SNS delivers at
    least once), `reorder_callbacks`."""
    state = load_state()
    due = list(
        SnsDelivery.objects.select_related("subscription__topic").filter(
            status=SnsDelivery.Status.PENDING, due_at__lte=now
        )[:BATCH]
    )
    if len(due) > 1 and faults.chance(state, state.reorder_callbacks):
        due.reverse()
    handled = 0
    for delivery in due:
        claimed = SnsDelivery.objects.filter(
            pk=delivery.pk, status=SnsDelivery.Status.PENDING
        ).update(status=SnsDelivery.Status.IN_FLIGHT)
        if not claimed:
            continue
        handled += 1
        if faults.chance(state, state.drop_callbacks):
            records = [_dropped(delivery, now)]
        else:
            records = [attempt(delivery, now)]
            delivered = delivery.status == SnsDelivery.Status.DELIVERED
            if delivered and faults.chance(state, state.duplicate_callbacks):
                records.append(attempt(delivery, now))
        with transaction.atomic():
            SnsDeliveryAttempt.objects.bulk_create(records)
            delivery.save(
                update_fields=[
                    "status", "due_at", "attempts", "last_status_code", "last_error", "delivered_at"
                ]
            )  # fmt: skip
    return handled
