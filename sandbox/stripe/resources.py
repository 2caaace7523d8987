"""The endpoints, answering with the shapes of Stripe's API reference: customers, billing
meters, meter events and meter event summaries. Stripe's clock is the wall clock (test
clocks are not modelled)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from sandbox.stripe import params as p
from sandbox.stripe.errors import StripeApiError, invalid, no_such
from sandbox.stripe.models import StripeCustomer, StripeMeter, StripeMeterEvent

# Meter events: timestamps within the past 35 calendar days, at most 5 minutes ahead.
EVENT_MAX_AGE = timedelta(days=35)
EVENT_MAX_AHEAD = timedelta(minutes=5)
METADATA_KEYS = 50


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def _list(url: str, data: list[dict[str, Any]], has_more: bool = False) -> dict[str, Any]:
    return {"object": "list", "data": data, "has_more": has_more, "url": url}


def customer_json(customer: StripeCustomer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": _ts(customer.created),
        "currency": None,
        "default_source": None,
        "delinquent": False,
        "description": customer.description or None,
        "discount": None,
        "email": customer.email or None,
        "invoice_prefix": customer.id[4:12].upper(),
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": customer.metadata,
        "name": customer.name or None,
        "phone": None,
        "preferred_locales": [],
        "shipping": None,
        "tax_exempt": "none",
        "test_clock": None,
    }


def meter_json(meter: StripeMeter) -> dict[str, Any]:
    return {
        "id": meter.id,
        "object": "billing.meter",
        "created": _ts(meter.created),
        "customer_mapping": {"event_payload_key": meter.customer_payload_key, "type": "by_id"},
        "default_aggregation": {"formula": meter.formula},
        "display_name": meter.display_name,
        "event_name": meter.event_name,
        "event_time_window": meter.event_time_window or None,
        "livemode": False,
        "status": meter.status,
        "status_transitions": {"deactivated_at": None},
        "updated": _ts(meter.updated),
        "value_settings": {"event_payload_key": meter.value_payload_key},
    }


def _metadata(params: dict[str, Any]) -> dict[str, str]:
    metadata = p.mapping(params, "metadata")
    if len(metadata) > METADATA_KEYS:
        raise invalid("metadata", f"Invalid metadata: at most {METADATA_KEYS} keys.")
    for key, value in metadata.items():
        if len(key) > 40 or not isinstance(value, str) or len(value) > 500:
            raise invalid(
                f"metadata[{key}]",
                "Invalid metadata: keys are at most 40 characters, values strings of at most "
                "500 characters.",
            )
    return metadata


def customer_create(params: dict[str, Any]) -> dict[str, Any]:
    p.known(params, ("name", "email", "description", "metadata"))
    customer = StripeCustomer.objects.create(
        id=new_id("cus")[:18],
        name=p.optional(params, "name", 256),
        email=p.optional(params, "email", 512),
        description=p.optional(params, "description"),
        metadata=_metadata(params),
        created=timezone.now(),
    )
    return customer_json(customer)


def customer_retrieve(params: dict[str, Any], customer_id: str) -> dict[str, Any]:
    p.known(params, ())
    customer = StripeCustomer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise no_such("customer", customer_id)
    return customer_json(customer)


def meter_list(params: dict[str, Any]) -> dict[str, Any]:
    p.known(params, ("status", "limit", "starting_after", "ending_before"))
    limit = p.integer(params, "limit", minimum=1) or 10
    if limit > 100:
        raise invalid("limit", "Invalid integer: limit must be at most 100.")
    meters = StripeMeter.objects.all()
    if params.get("status"):
        meters = meters.filter(status=p.choice(params, "status", ("active", "inactive")))
    ordered = list(meters)
    after, before = params.get("starting_after"), params.get("ending_before")
    ids = [m.id for m in ordered]
    if after:
        if after not in ids:
            raise no_such("billing.meter", after, "starting_after")
        ordered = ordered[ids.index(after) + 1 :]
    elif before:
        if before not in ids:
            raise no_such("billing.meter", before, "ending_before")
        ordered = ordered[: ids.index(before)][-limit:]
    page = ordered[:limit]
    return _list("/v1/billing/meters", [meter_json(m) for m in page], len(ordered) > limit)


def meter_create(params: dict[str, Any]) -> dict[str, Any]:
    p.known(
        params,
        ("display_name", "event_name", "default_aggregation", "customer_mapping",
         "value_settings", "event_time_window"),
    )  # fmt: skip
    display_name = p.required(params, "display_name")
    event_name = p.required(params, "event_name")
    aggregation = p.mapping(params, "default_aggregation")
    if not aggregation:
        raise StripeApiError(
            400, "Missing required param: default_aggregation.", param="default_aggregation",
            code="parameter_missing",
        )  # fmt: skip
    formula = p.choice(aggregation, "formula", StripeMeter.Formula.values)
    mapping = p.mapping(params, "customer_mapping")
    customer_key = "stripe_customer_id"
    if mapping:
        customer_key = p.required(mapping, "event_payload_key")
        p.choice(mapping, "type", ("by_id",))
    value_key = p.mapping(params, "value_settings").get("event_payload_key") or "value"
    window = ""
    if params.get("event_time_window"):
        window = p.choice(params, "event_time_window", ("day", "hour"))
    if StripeMeter.objects.filter(event_name=event_name, status="active").exists():
        raise invalid(
            "event_name",
            f"An active meter with event_name '{event_name}' already exists.",
            code="resource_already_exists",
        )
    now = timezone.now()
    meter = StripeMeter.objects.create(
        id=new_id("mtr"),
        display_name=display_name[:250],
        event_name=event_name[:100],
        formula=formula,
        customer_payload_key=customer_key,
        value_payload_key=value_key,
        event_time_window=window,
        created=now,
        updated=now,
    )
    return meter_json(meter)


def meter_retrieve(params: dict[str, Any], meter_id: str) -> dict[str, Any]:
    p.known(params, ())
    return meter_json(_meter(meter_id))


def _meter(meter_id: str) -> StripeMeter:
    meter = StripeMeter.objects.filter(pk=meter_id).first()
    if meter is None:
        raise no_such("billing.meter", meter_id)
    return meter


def _event_time(params: dict[str, Any], now: datetime) -> datetime:
    stamp = p.integer(params, "timestamp")
    if stamp is None:
        return now
    at = datetime.fromtimestamp(stamp, tz=UTC)
    if at < now - EVENT_MAX_AGE:
        raise invalid(
            "timestamp",
            "The timestamp must be within the past 35 calendar days.",
            code="timestamp_too_far_in_past",
        )
    if at > now + EVENT_MAX_AHEAD:
        raise invalid(
            "timestamp",
            "The timestamp must not be more than 5 minutes in the future.",
            code="timestamp_in_future",
        )
    return at


def meter_event_create(params: dict[str, Any]) -> dict[str, Any]:
    p.known(params, ("event_name", "payload", "identifier", "timestamp"))
    event_name = p.required(params, "event_name")
    payload = p.mapping(params, "payload")
    if not payload:
        raise StripeApiError(
            400, "Missing required param: payload.", param="payload", code="parameter_missing"
        )
    meter = StripeMeter.objects.filter(event_name=event_name, status="active").first()
    if meter is None:
        raise invalid(
            "event_name",
            f"No active meter was found for event_name '{event_name}'.",
            code="resource_missing",
        )
    customer_param = f"payload[{meter.customer_payload_key}]"
    customer_id = payload.get(meter.customer_payload_key)
    if not customer_id:
        raise StripeApiError(400, f"Missing required param: {customer_param}.",
                             param=customer_param, code="parameter_missing")  # fmt: skip
    if not StripeCustomer.objects.filter(pk=customer_id).exists():
        raise no_such("customer", str(customer_id), customer_param)
    value_param = f"payload[{meter.value_payload_key}]"
    value = p.integer(payload, meter.value_payload_key)
    if value is None:
        raise StripeApiError(400, f"Missing required param: {value_param}.",
                             param=value_param, code="parameter_missing")  # fmt: skip
    now = timezone.now()
    at = _event_time(params, now)
    identifier = p.optional(params, "identifier", 100) or new_id("evt")
    # Stripe enforces the identifier's uniqueness over at least 24 hours; here, for ever.
    if StripeMeterEvent.objects.filter(identifier=identifier).exists():
        raise invalid(
            "identifier",
            f"A meter event with identifier '{identifier}' already exists.",
            code="resource_already_exists",
        )
    event = StripeMeterEvent.objects.create(
        meter=meter,
        event_name=event_name,
        identifier=identifier,
        customer_id=customer_id,
        value=value,
        payload=payload,
        timestamp=at,
        created=now,
    )
    return {
        "object": "billing.meter_event",
        "created": _ts(event.created),
        "event_name": event.event_name,
        "identifier": event.identifier,
        "livemode": False,
        "payload": event.payload,
        "timestamp": _ts(event.timestamp),
    }


def _minute_aligned(params: dict[str, Any], name: str) -> datetime:
    stamp = p.integer(params, name)
    if stamp is None:
        raise StripeApiError(400, f"Missing required param: {name}.", param=name,
                             code="parameter_missing")  # fmt: skip
    if stamp % 60:
        raise invalid(name, f"{name} must be aligned with minute boundaries.")
    return datetime.fromtimestamp(stamp, tz=UTC)


def event_summaries(params: dict[str, Any], meter_id: str) -> dict[str, Any]:
    p.known(params, ("customer", "start_time", "end_time", "limit", "starting_after",
                     "ending_before"))  # fmt: skip
    meter = _meter(meter_id)
    customer = p.required(params, "customer")
    start, end = _minute_aligned(params, "start_time"), _minute_aligned(params, "end_time")
    if end <= start:
        raise invalid("end_time", "end_time must be after start_time.")
    events = meter.events.filter(customer_id=customer, timestamp__gte=start, timestamp__lt=end)
    if meter.formula == StripeMeter.Formula.COUNT:
        value: float = events.count()
    elif meter.formula == StripeMeter.Formula.LAST:
        last = events.order_by("timestamp", "created", "id").last()
        value = last.value if last else 0
    else:
        value = events.aggregate(total=Sum("value"))["total"] or 0
    summary = {
        "id": new_id("mtrsumm"),
        "object": "billing.meter_event_summary",
        "aggregated_value": float(value),
        "end_time": _ts(end),
        "livemode": False,
        "meter": meter.id,
        "start_time": _ts(start),
    }
    return _list(f"/v1/billing/meters/{meter.id}/event_summaries", [summary])
