"""HTTP faces of the local Sentry: the ingest endpoint the SDK posts to, and a staff page
of the events received (their summaries: the type, the message, where, and when)."""

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.access import pages_only, sandbox_mode
from sandbox.sentry import envelope
from sandbox.sentry.models import SentryEnvelope

KEEP = 500
PAGE = 100


@csrf_exempt
@require_http_methods(["POST"])
def ingest(request: HttpRequest, project_id: str) -> HttpResponse:
    """`POST /api/<project>/envelope/`, answered as Sentry does: `{"id": <event id>}`."""
    if not sandbox_mode():
        return JsonResponse({"detail": "the sandbox is off"}, status=404)
    try:
        data = envelope.decompress(request.body, request.headers.get("Content-Encoding", ""))
        parsed = envelope.parse(data)
    except envelope.BadEnvelope as err:
        return JsonResponse({"detail": str(err)}, status=400)
    event_id = str(parsed.headers.get("event_id") or "")[:64]
    SentryEnvelope.objects.create(
        project_id=project_id,
        public_key=envelope.public_key(
            request.headers.get("X-Sentry-Auth", ""), request.GET.get("sentry_key", "")
        ),
        event_id=event_id,
        item_types=[item["type"] for item in parsed.items],
        items=parsed.items,
    )
    stale = SentryEnvelope.objects.values_list("pk", flat=True)[KEEP:]
    SentryEnvelope.objects.filter(pk__in=list(stale)).delete()
    return JsonResponse({"id": event_id})


def summary(event: dict) -> dict:
    """What the page shows of an event."""
    values = (event.get("exception") or {}).get("values") or [{}]
    last = values[-1] if isinstance(values[-1], dict) else {}
    logentry = event.get("logentry") or {}
    return {
        "event_id": event.get("event_id", ""),
        "level": event.get("level", ""),
        "type": last.get("type", ""),
        "value": last.get("value", "") or logentry.get("message", "") or event.get("message", ""),
        "where": event.get("transaction", "") or event.get("culprit", ""),
        "logger": event.get("logger", ""),
    }


@pages_only
@staff_member_required
@require_http_methods(["GET"])
def events_page(request: HttpRequest) -> HttpResponse:
    rows = []
    for item in SentryEnvelope.objects.all()[:PAGE]:
        for event in item.events():
            rows.append({**summary(event), "project_id": item.project_id, "at": item.received_at})
    return render(request, "sandbox/sentry_events.html", {"rows": rows, "limit": PAGE})
