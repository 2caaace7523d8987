"""The staff overview of usage and billing across tenants (/admin/billing/overview/): this
period's top spenders with Twilio's cost, the charge and the margin, platform totals, and
what needs a look (open spend anomalies, limits reached, usage drift flags)."""

from decimal import Decimal

from django.contrib import admin
from django.db.models import Q
from django.template.response import TemplateResponse

from billing import periods
from billing.admin_common import margin_percent
from billing.models import SpendAnomaly, UsageLimit, UsageRecord
from billing.services.overview import tenant_spend_overview

TOP_SPENDERS = 20
ATTENTION_ROWS = 20


def open_anomalies():
    return (
        SpendAnomaly.objects.filter(acknowledged_at__isnull=True)
        .select_related("tenant")
        .order_by("-day")[:ATTENTION_ROWS]
    )


def limits_reached(today):
    """Limits at 100% in their running period (lifted ones included, marked)."""
    running = Q(period=UsageLimit.Period.MONTHLY, state_period=periods.period_key(today)) | Q(
        period=UsageLimit.Period.DAILY, state_period=periods.day_key(today)
    )
    return (
        UsageLimit.objects.filter(running, reached_at__isnull=False)
        .select_related("tenant")
        .order_by("-reached_at")[:ATTENTION_ROWS]
    )


def drift_flags(since):
    return (
        UsageRecord.objects.filter(drift_flagged=True, day__gte=since)
        .select_related("tenant")
        .order_by("-day", "tenant_id")[:ATTENTION_ROWS]
    )


def _rows(spends) -> list[dict]:
    return [
        {
            "spend": spend,
            "margin_percent": margin_percent(spend.margin, spend.charge),
        }
        for spend in spends
    ]


def _chart(spends) -> dict:
    top = spends[:TOP_SPENDERS]
    return {
        "labels": [spend.tenant_name for spend in top],
        "cost": [str(spend.twilio_cost) for spend in top],
        "charge": [str(spend.charge) for spend in top],
        "margin": [str(spend.margin) for spend in top],
    }


def overview_view(request):
    """This period so far, across tenants."""
    today = periods.today()
    start = periods.period_start(today)
    spends = tenant_spend_overview(start, today)
    totals = {
        "twilio_cost": sum((s.twilio_cost for s in spends), Decimal(0)),
        "charge": sum((s.charge for s in spends), Decimal(0)),
        "margin": sum((s.margin for s in spends), Decimal(0)),
    }
    totals["margin_percent"] = margin_percent(totals["margin"], totals["charge"])
    context = {
        **admin.site.each_context(request),
        "title": "Usage and billing across tenants",
        "start": start,
        "today": today,
        "rows": _rows(spends[:TOP_SPENDERS]),
        "tenant_count": len(spends),
        "totals": totals,
        "chart": _chart(spends),
        "anomalies": open_anomalies(),
        "limits": limits_reached(today),
        "drifts": drift_flags(start),
    }
    return TemplateResponse(request, "admin/billing/overview.html", context)


overview = admin.site.admin_view(overview_view)
