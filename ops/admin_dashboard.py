"""The staff alerts dashboard (/admin/ops/alerts/): open alerts, worst first, with since
when and what was seen, and the ones resolved lately. The panel reloads itself every few
seconds (htmx polling of `?panel=1`).

When the last evaluation is older than twice beat's interval (the worker or beat is down,
which is itself one of the alerts), opening the page evaluates the conditions itself, so the
page never shows a stale all-clear.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db.models import Case, IntegerField, Value, When
from django.template.response import TemplateResponse
from django.utils import timezone

from ops import services
from ops.models import Alert, Severity

RESOLVED_ROWS = 20
RESOLVED_DAYS = 7
POLL_SECONDS = 10


def _stale(now) -> bool:
    last = services.last_evaluated()
    return last is None or now - last > timedelta(seconds=2 * settings.OPS_EVALUATE_SECONDS)


def open_alerts():
    critical = When(severity=Severity.CRITICAL, then=Value(0))
    worst_first = Case(critical, default=Value(1), output_field=IntegerField())
    return (
        Alert.objects.filter(state=Alert.State.OPEN)
        .select_related("acknowledged_by")
        .order_by(worst_first, "first_seen")
    )


def recently_resolved(now):
    return Alert.objects.filter(
        state=Alert.State.RESOLVED, resolved_at__gte=now - timedelta(days=RESOLVED_DAYS)
    ).order_by("-resolved_at")[:RESOLVED_ROWS]


def alerts_view(request):
    now = timezone.now()
    if _stale(now):
        services.evaluate_all()
    context = {
        **admin.site.each_context(request),
        "title": "Platform alerts",
        "open_alerts": list(open_alerts()),
        "resolved": list(recently_resolved(now)),
        "evaluated_at": services.last_evaluated(),
        "poll_seconds": POLL_SECONDS,
        "now": now,
    }
    if request.GET.get("panel"):
        return TemplateResponse(request, "admin/ops/_alerts_panel.html", context)
    return TemplateResponse(request, "admin/ops/alerts.html", context)


alerts = admin.site.admin_view(alerts_view)
