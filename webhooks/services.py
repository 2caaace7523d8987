"""Tenant webhooks: endpoints, emitting events, delivering them with retries, redelivery.

Emitting writes one `WebhookDelivery` per subscribed endpoint in the caller's transaction and
enqueues the delivery task on commit (by task name, through `enqueue`: the tasks import this
module), so an event is never lost to a crash and never sent for a change that rolled back.
A delivery is attempted by whoever claims it (a conditional UPDATE on `next_attempt_at`), so
duplicate tasks never post the same attempt twice.
"""

import json
import random
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isvplatform import metrics
from tenants.models import Tenant
from tenants.services import Actor, record_audit
from webhooks import enqueue, http, signing
from webhooks.models import EventType, WebhookAttempt, WebhookDelivery, WebhookEndpoint

MAX_BACKOFF_SECONDS = 3600.0
# While an attempt is in flight nobody else may claim the delivery for this long.
CLAIM_LEASE_SECONDS = 120


# --- endpoints --------------------------------------------------------------------------


def _clean_event_types(event_types: list[str]) -> list[str]:
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown:
        raise ValidationError({"event_types": f"Unknown event type(s): {', '.join(unknown)}."})
    if not event_types:
        raise ValidationError({"event_types": "Choose at least one event type."})
    return list(event_types)


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        http.check_url(url, resolve=False)
    except http.UnsafeURL as err:
        raise ValidationError({"url": str(err)}) from err
    return url


def endpoint_create(
    *,
    tenant: Tenant,
    url: str,
    event_types: list[str],
    description: str = "",
    secret: str = "",
    actor: Actor,
) -> WebhookEndpoint:
    """Register an endpoint; without a secret one is generated (read it from `.secret`)."""
    endpoint = WebhookEndpoint(
        tenant=tenant,
        url=_clean_url(url),
        description=description.strip(),
        created_by=actor.user,
    )
    endpoint.event_types = _clean_event_types(event_types)
    secret = (secret or "").strip() or signing.new_secret()
    if len(secret) < 16:
        raise ValidationError({"secret": "Use a secret of at least 16 characters."})
    endpoint.secret = secret
    with transaction.atomic():
        endpoint.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="webhook_endpoint.created",
            target=endpoint,
            changes={"url": endpoint.url, "event_types": endpoint.event_types},
        )
    return endpoint


def endpoint_update(
    *, endpoint: WebhookEndpoint, data: dict[str, Any], actor: Actor
) -> WebhookEndpoint:
    """Change url, description, event types or active flag (the secret has its own rotation)."""
    changes: dict[str, list[Any]] = {}
    if "url" in data:
        url = _clean_url(data["url"])
        if url != endpoint.url:
            changes["url"] = [endpoint.url, url]
            endpoint.url = url
    if "description" in data:
        endpoint.description = (data["description"] or "").strip()
    if "event_types" in data:
        types = _clean_event_types(data["event_types"])
        if types != endpoint.event_types:
            changes["event_types"] = [endpoint.event_types, types]
            endpoint.event_types = types
    if "is_active" in data and bool(data["is_active"]) != endpoint.is_active:
        changes["is_active"] = [endpoint.is_active, bool(data["is_active"])]
        endpoint.is_active = bool(data["is_active"])
    with transaction.atomic():
        endpoint.save()
        if changes:
            record_audit(
                tenant=endpoint.tenant,
                actor=actor,
                action="webhook_endpoint.updated",
                target=endpoint,
                changes=changes,
            )
    return endpoint


def endpoint_rotate_secret(*, endpoint: WebhookEndpoint, actor: Actor) -> str:
    """A new generated secret, effective for the next attempt; returned to show once."""
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "updated_at"])
        record_audit(
            tenant=endpoint.tenant,
            actor=actor,
            action="webhook_endpoint.secret_rotated",
            target=endpoint,
        )
    return secret


def endpoint_delete(*, endpoint: WebhookEndpoint, actor: Actor) -> None:
    with transaction.atomic():
        record_audit(
            tenant=endpoint.tenant,
            actor=actor,
            action="webhook_endpoint.deleted",
            target=endpoint,
            changes={"url": endpoint.url},
        )
        endpoint.delete()


# --- emitting ---------------------------------------------------------------------------


def _payload(event_id: uuid.UUID, event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "data": data,
    }


def emit_event(*, tenant_id: int, event_type: str, data: dict[str, Any]) -> int:
    """Queue `event_type` for every active endpoint of the tenant that subscribes to it."""
    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    endpoints = list(
        WebhookEndpoint.objects.for_tenant(tenant_id)
        .filter(is_active=True, events__contains=f",{event_type},")
        .values_list("pk", flat=True)
    )
    if not endpoints:
        return 0
    event_id = uuid.uuid4()
    payload = _payload(event_id, event_type, data)
    now = timezone.now()
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                tenant_id=tenant_id,
                endpoint_id=endpoint_id,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                next_attempt_at=now,
            )
            for endpoint_id in endpoints
        ]
    )
    ids = [str(d.pk) for d in deliveries]
    enqueue.deliveries(ids)
    return len(ids)


def send_test_event(*, endpoint: WebhookEndpoint, actor: Actor) -> WebhookDelivery:
    """A `message.status`-shaped ping so the tenant can check their receiver and signature."""
    event_id = uuid.uuid4()
    data = {"test": True, "message": "A test event from the platform.", "sent_by": actor.label}
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            tenant_id=endpoint.tenant_id,
            endpoint=endpoint,
            event_id=event_id,
            event_type=EventType.MESSAGE_STATUS,
            payload=_payload(event_id, EventType.MESSAGE_STATUS, data),
            next_attempt_at=timezone.now(),
        )
        ids = [str(delivery.pk)]
        enqueue.deliveries(ids)
    return delivery


def redeliver(*, delivery: WebhookDelivery, actor: Actor) -> WebhookDelivery:
    """Send the same event (same id and payload) again as a new delivery with its own log."""
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            tenant_id=delivery.tenant_id,
            endpoint_id=delivery.endpoint_id,
            event_id=delivery.event_id,
            event_type=delivery.event_type,
            payload=delivery.payload,
            redelivery_of=delivery,
            next_attempt_at=timezone.now(),
        )
        record_audit(
            tenant=delivery.endpoint.tenant,
            actor=actor,
            action="webhook_delivery.redelivered",
            target=again,
            changes={"event_id": str(delivery.event_id)},
        )
        ids = [str(again.pk)]
        enqueue.deliveries(ids)
    return again


# --- delivering -------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptOutcome:
    state: str
    status_code: int | None
    retry_in: float | None


def backoff_seconds(attempts: int) -> float:
    """Delay before the next attempt after `attempts` failures: doubling, capped, jittered."""
    base = float(settings.WEBHOOK_RETRY_BASE_SECONDS)
    delay = min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    return delay * random.uniform(0.9, 1.1)


def _claim(delivery_id: str) -> bool:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1))
    return bool(
        WebhookDelivery.objects.filter(
            due, pk=delivery_id, state=WebhookDelivery.State.PENDING
        ).update(next_attempt_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS))
    )


def delivery_attempt(delivery_id: str) -> AttemptOutcome | None:
    """Make one attempt if the delivery is due and nobody else is making it; None otherwise."""
    if not _claim(delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        _finish(delivery, WebhookDelivery.State.FAILED, None, "The endpoint is disabled.")
        return AttemptOutcome(WebhookDelivery.State.FAILED, None, None)

    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(timezone.now().timestamp())
    headers = {
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.sign(endpoint.secret.reveal(), timestamp, body),
        signing.EVENT_HEADER: delivery.event_type,
        signing.DELIVERY_HEADER: str(delivery.pk),
        "User-Agent": "isvplatform-webhooks/1",
    }
    result = http.post_json(endpoint.url, body, headers)
    metrics.count_tenant_webhook_attempt(delivery.event_type, result.status_code)
    WebhookAttempt.objects.create(
        delivery=delivery,
        status_code=result.status_code,
        error=result.error,
        response_excerpt=result.excerpt,
        duration_ms=result.duration_ms,
    )
    delivery.attempts += 1
    if result.status_code is not None and 200 <= result.status_code < 300:
        _finish(delivery, WebhookDelivery.State.SUCCEEDED, result.status_code, "")
        return AttemptOutcome(WebhookDelivery.State.SUCCEEDED, result.status_code, None)

    error = result.error or f"HTTP {result.status_code}"
    delay = backoff_seconds(delivery.attempts)
    window = timedelta(hours=float(settings.WEBHOOK_RETRY_WINDOW_HOURS))
    if timezone.now() + timedelta(seconds=delay) - delivery.created_at > window:
        _finish(delivery, WebhookDelivery.State.FAILED, result.status_code, error)
        return AttemptOutcome(WebhookDelivery.State.FAILED, result.status_code, None)
    delivery.last_status_code = result.status_code
    delivery.last_error = error
    delivery.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    delivery.save(update_fields=["attempts", "last_status_code", "last_error", "next_attempt_at"])
    return AttemptOutcome(WebhookDelivery.State.PENDING, result.status_code, delay)


def _finish(delivery: WebhookDelivery, state: str, status_code: int | None, error: str) -> None:
    if state == WebhookDelivery.State.FAILED:
        metrics.count_tenant_webhook_failed(delivery.event_type)
    delivery.state = state
    delivery.last_status_code = status_code
    delivery.last_error = error
    delivery.next_attempt_at = None
    if state == WebhookDelivery.State.SUCCEEDED:
        delivery.delivered_at = timezone.now()
    delivery.save(
        update_fields=[
            "state",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
        ]
    )


def due_delivery_ids(*, grace_seconds: int = 30, limit: int = 500) -> list[str]:
    """Pending deliveries whose retry time passed a while ago (their task was lost)."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    return [
        str(pk)
        for pk in WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, next_attempt_at__lte=cutoff
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    ]
