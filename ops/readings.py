"""What the staff alerts and `/metrics` read from the database besides messages: stuck
registrations and failing tenant endpoints. Deliberately across tenants: these are the
platform's health, seen by staff only."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

REVIEWING = ("submitted", "in_review")
# At most this many endpoints are examined (and listed in an alert) per evaluation.
ENDPOINT_SAMPLE = 50


def _stuck_before(hours: float | None = None):
    hours = settings.OPS_REGISTRATION_STUCK_HOURS if hours is None else hours
    return timezone.now() - timedelta(hours=hours)


def stuck_registrations(limit: int = 20, hours: float | None = None) -> list[dict]:
    """10DLC registrations and toll-free verifications submitted longer ago than the
    threshold and still under review, oldest first."""
    from compliance.models import Registration, TollFreeVerification

    before = _stuck_before(hours)
    rows = []
    for kind, model in (("10dlc", Registration), ("toll_free", TollFreeVerification)):
        found = (
            model.objects.filter(status__in=REVIEWING, submitted_at__lt=before)
            .select_related("tenant")
            .order_by("submitted_at")[:limit]
        )
        rows += [
            {
                "kind": kind,
                "id": str(row.pk),
                "tenant": row.tenant.name,
                "status": row.status,
                "submitted_at": row.submitted_at.isoformat(),
            }
            for row in found
        ]
    return rows


def registrations_stuck() -> dict[str, int]:
    from compliance.models import Registration, TollFreeVerification

    before = _stuck_before()
    return {
        kind: model.objects.filter(status__in=REVIEWING, submitted_at__lt=before).count()
        for kind, model in (("10dlc", Registration), ("toll_free", TollFreeVerification))
    }


def _succeeded() -> Q:
    return Q(status_code__gte=200, status_code__lt=300)


def failing_endpoints(needed: int | None = None) -> list[dict]:
    """Active tenant endpoints whose latest `OPS_WEBHOOK_FAILED_ATTEMPTS` attempts, all
    within the window, all failed (no answer, or not a 2xx)."""
    from webhooks.models import WebhookAttempt

    needed = settings.OPS_WEBHOOK_FAILED_ATTEMPTS if needed is None else needed
    since = timezone.now() - timedelta(minutes=settings.OPS_WEBHOOK_WINDOW_MINUTES)
    recent = WebhookAttempt.objects.filter(
        attempted_at__gte=since, delivery__endpoint__is_active=True
    )
    candidates = list(
        recent.exclude(_succeeded())
        .order_by()
        .values_list("delivery__endpoint_id", flat=True)
        .distinct()[:ENDPOINT_SAMPLE]
    )
    failing = []
    for endpoint_id in candidates:
        latest = list(
            recent.filter(delivery__endpoint_id=endpoint_id)
            .select_related("delivery__endpoint__tenant")
            .order_by("-attempted_at", "-id")[:needed]
        )
        if len(latest) < needed or any(a.succeeded for a in latest):
            continue
        endpoint = latest[0].delivery.endpoint
        failing.append(
            {
                "endpoint": str(endpoint.pk),
                "tenant": endpoint.tenant.name,
                "host": _host(endpoint.url),
                "last_error": latest[0].error[:200] or f"HTTP {latest[0].status_code}",
            }
        )
    return failing


def _host(url: str) -> str:
    """Only the host: a tenant's URL may carry a token in its path or query."""
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
