"""HTTP faces of the local Stripe: the API at `/sandbox/stripe/v1/...` (while
`STRIPE_MODE=sandbox`) and a staff page of its meters and the meter events received."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.access import pages_only
from sandbox.stripe import api
from sandbox.stripe.models import StripeCustomer, StripeMeter, StripeMeterEvent

PAGE_EVENTS = 200


def stripe_sandbox_only(view: Callable) -> Callable:
    """Answered only while the platform reports to the local Stripe."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(settings, "STRIPE_MODE", "off") != "sandbox":
            return JsonResponse({"error": "the Stripe sandbox is off"}, status=404)
        return view(request, *args, **kwargs)

    return wrapper


@csrf_exempt
@stripe_sandbox_only
def stripe_api(request: HttpRequest, path: str) -> HttpResponse:
    """`https://api.stripe.com/v1/{path}` served at `/sandbox/stripe/v1/{path}`."""
    status, answer, headers = api.handle(
        request.method or "GET",
        f"/v1/{path}",
        request.META.get("QUERY_STRING", ""),
        request.body.decode("utf-8", errors="replace"),
        dict(request.headers),
    )
    response = HttpResponse(json.dumps(answer), status=status, content_type="application/json")
    for name, value in headers.items():
        response[name] = value
    return response


@pages_only
@stripe_sandbox_only
@staff_member_required
@require_http_methods(["GET"])
def meters_page(request: HttpRequest) -> HttpResponse:
    """Meters, and per customer the meter events received (newest first) and their sums."""
    events = list(StripeMeterEvent.objects.select_related("meter")[:PAGE_EVENTS])
    names = dict(StripeCustomer.objects.values_list("id", "name"))
    customers: dict[str, dict] = {}
    for event in events:
        entry = customers.setdefault(
            event.customer_id,
            {"id": event.customer_id, "name": names.get(event.customer_id, ""), "events": []},
        )
        entry["events"].append(event)
    totals = StripeMeterEvent.objects.values("customer_id", "event_name").annotate(
        total=Sum("value"), count=Count("id")
    )
    for row in totals:
        if row["customer_id"] in customers:
            customers[row["customer_id"]].setdefault("totals", []).append(row)
    context = {
        "meters": StripeMeter.objects.annotate(event_count=Count("events")),
        "customers": list(customers.values()),
        "customer_count": StripeCustomer.objects.count(),
        "shown": len(events),
        "limit": PAGE_EVENTS,
    }
    return render(request, "sandbox/stripe_meters.html", context)
