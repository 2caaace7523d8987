"""A broadcast's live progress as server-sent events: `GET /api/v1/broadcasts/{id}/events`.

The request is authenticated, scoped and refused exactly like the rest of the API (a DRF
view, errors as JSON before any event). What it answers streams from an async iterator
under the ASGI server, so an open stream holds a coroutine, not a worker: the request's own
database connection is given back before the stream starts, and each poll (one row read,
about once a second) borrows a thread and a connection from the event loop's small shared
pool. Under WSGI (the test client, the live server of browser tests) the same stream
runs as a plain generator in the request's thread; `BROADCAST_STREAM_MAX_SECONDS` keeps
every stream finite, and EventSource reconnects after it with `Last-Event-ID`.
"""

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import close_old_connections, connection
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.negotiation import DefaultContentNegotiation

from broadcasts.models import Broadcast
from broadcasts.progress import is_settled, progress_data
from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin
from tenants.models import Tenant

EVENT_STREAM = "text/event-stream"
HEARTBEAT = b": keep-alive\n\n"
MAX_EVENT_ID = 64
# The row's fields whose change is worth an event (the snapshot is built only then).
WATCHED = (
    "status", "pause_reason", "pause_detail", "total", "pending", "deferred", "sent",
    "delivered", "failed", "filtered", "opted_out", "replies_opted_out", "skipped",
    "launched_at", "completed_at", "updated_at",
)  # fmt: skip


def event_id(data: dict) -> str:
    """The id of a snapshot: the same progress always has the same id, in any process."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def progress_event(data: dict) -> bytes:
    body = json.dumps(data, separators=(",", ":"))
    return f"event: progress\nid: {event_id(data)}\ndata: {body}\n\n".encode()


def retry_hint() -> bytes:
    """How long EventSource waits before it reconnects (after a stream's maximum duration)."""
    return f"retry: {settings.BROADCAST_STREAM_RETRY_MS}\n\n".encode()


class ProgressStream:
    """The stream of one broadcast for one client, one poll at a time.

    `poll()` reads the row (one query), and answers the chunks to send now: an event when
    the progress changed since the last one the client has, else a heartbeat comment now
    and then. `done` turns true after the settled event (final, its reports in), when the
    broadcast is gone, or when the stream has lasted its maximum duration.
    """

    def __init__(self, tenant: Tenant, broadcast_id, last_event_id: str = "") -> None:
        self.tenant = tenant
        self.broadcast_id = broadcast_id
        self.last_event_id = last_event_id
        self.signature: tuple | None = None
        self.started = self.last_sent = time.monotonic()
        self.done = False

    def poll(self) -> list[bytes]:
        now = time.monotonic()
        if now - self.started >= settings.BROADCAST_STREAM_MAX_SECONDS:
            self.done = True
            return [retry_hint()]
        broadcast = Broadcast.objects.for_tenant(self.tenant).filter(pk=self.broadcast_id).first()
        if broadcast is None:
            self.done = True
            return []
        chunks = []
        signature = tuple(getattr(broadcast, name) for name in WATCHED)
        if signature != self.signature:
            self.signature = signature
            data = progress_data(broadcast)
            if event_id(data) != self.last_event_id:
                self.last_event_id = event_id(data)
                chunks.append(progress_event(data))
            self.done = data["settled"]
        if not chunks and now - self.last_sent >= settings.BROADCAST_STREAM_HEARTBEAT_SECONDS:
            chunks.append(HEARTBEAT)
        if chunks:
            self.last_sent = now
        return chunks


def sync_chunks(stream: ProgressStream) -> Iterator[bytes]:
    """The stream under WSGI: polls in the request's thread (and its connection)."""
    yield retry_hint()
    while True:
        yield from stream.poll()
        if stream.done:
            return
        time.sleep(settings.BROADCAST_STREAM_POLL_SECONDS)


def _pooled_poll(stream: ProgressStream) -> list[bytes]:
    """One poll in a thread of the loop's shared pool; its connection is kept or closed as
    Django keeps a request's (`CONN_MAX_AGE`, errors)."""
    try:
        return stream.poll()
    finally:
        close_old_connections()


def _release_connection() -> None:
    """The request's thread gives its connection back before it streams: the polls borrow
    the pool's, and a hundred open streams must not hold a hundred connections."""
    if not connection.in_atomic_block:
        connection.close()


async def async_chunks(stream: ProgressStream) -> AsyncIterator[bytes]:
    """The stream under ASGI: a coroutine between polls, holding no thread or connection."""
    yield retry_hint()
    while True:
        for chunk in await sync_to_async(_pooled_poll, thread_sensitive=False)(stream):
            yield chunk
        if stream.done:
            return
        await asyncio.sleep(settings.BROADCAST_STREAM_POLL_SECONDS)


class AnyAccept(DefaultContentNegotiation):
    """Errors answer in the API's JSON whatever the client accepts (EventSource sends
    `Accept: text/event-stream`); the stream itself is no rendered response."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


STREAM_DESCRIPTION = (
    "Server-sent events of the broadcast's progress. Each `progress` event carries the same "
    "JSON as `GET /api/v1/broadcasts/{id}/status` in `data`, and an `id`; one comes at once, "
    "then one whenever the progress changes (a comment line keeps an idle stream open). The "
    "stream ends once the broadcast is settled (final, its delivery reports in), or after a "
    "few minutes with a `retry:` hint, and EventSource reconnects with `Last-Event-ID`: an "
    "unchanged progress is not sent again."
)


class BroadcastEventsView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Broadcast
    lookup_field = "pk"
    lookup_url_kwarg = "id"
    content_negotiation_class = AnyAccept

    @extend_schema(
        operation_id="broadcasts_events",
        tags=["Broadcasts"],
        summary="Live progress (server-sent events)",
        description=STREAM_DESCRIPTION,
        parameters=[
            OpenApiParameter(
                "Last-Event-ID",
                {"type": "string", "maxLength": MAX_EVENT_ID},
                OpenApiParameter.HEADER,
                description="The id of the last event received (EventSource sends it when "
                "it reconnects).",
            )
        ],
        responses={
            (200, EVENT_STREAM): OpenApiResponse(OpenApiTypes.STR, description="The events."),
            204: OpenApiResponse(
                description="The broadcast is settled (final, its delivery reports in) and "
                "`Last-Event-ID` names its last event: nothing more will come (EventSource "
                "stops reconnecting)."
            ),
            **error_responses(404),
        },
    )
    def get(self, request, *args, **kwargs):
        broadcast = self.get_object()
        last_event_id = request.headers.get("Last-Event-ID", "")[:MAX_EVENT_ID]
        if is_settled(broadcast) and last_event_id == event_id(progress_data(broadcast)):
            return HttpResponse(status=204)
        stream = ProgressStream(self.tenant, broadcast.pk, last_event_id)
        if isinstance(request._request, ASGIRequest):
            _release_connection()
            chunks = async_chunks(stream)
        else:
            chunks = sync_chunks(stream)
        response = StreamingHttpResponse(chunks, content_type=EVENT_STREAM)
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"  # a proxy in front must not buffer the stream
        return response
