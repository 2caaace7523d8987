"""`Idempotency-Key` for POSTs: the same key and body replay the first response and do
nothing new; the same key with another body is a 409.

The key row is inserted in the same transaction as the work it guards. A concurrent request
with the same key waits on the unique index until the first one commits, then replays its
stored response; if the first one failed (a 4xx, or an error) its transaction rolled back
and the key is free again, so fixing the request and retrying with the same key works.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from isvplatform.api.errors import Conflict
from messaging.models import IdempotencyRecord
from tenants.models import Tenant

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
RETENTION = timedelta(hours=24)


def request_hash(method: str, path: str, data) -> str:
    canonical = json.dumps(
        {"method": method, "path": path, "body": data}, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_hash != fingerprint:
        raise Conflict(
            "This Idempotency-Key was already used with a different request; use a new key."
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request, tenant: Tenant, handler: Callable[[], Response]) -> Response:
    """Run `handler` once per (tenant, Idempotency-Key); without the header, just run it."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return handler()
    if len(key) > MAX_KEY_LENGTH:
        raise Conflict(f"An Idempotency-Key is at most {MAX_KEY_LENGTH} characters.")
    fingerprint = request_hash(request.method, request.path, request.data)
    existing = IdempotencyRecord.objects.for_tenant(tenant).filter(key=key).first()
    if existing is not None:
        return _replay(existing, fingerprint)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    tenant=tenant,
                    key=key,
                    request_hash=fingerprint,
                    method=request.method,
                    path=request.path[:255],
                    response_status=0,
                    response_body={},
                )
        except IntegrityError:
            record = None
        if record is None:
            return _replay(IdempotencyRecord.objects.for_tenant(tenant).get(key=key), fingerprint)
        response = handler()
        if 200 <= response.status_code < 300:
            record.response_status = response.status_code
            record.response_body = response.data
            record.save(update_fields=["response_status", "response_body"])
        else:
            transaction.set_rollback(True)
    return response


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - RETENTION
    ).delete()
    return deleted
