"""The billing app's only door to the `stripe` SDK: Billing meters, customers and meter events.

`STRIPE_MODE` picks where requests go: "live" (Stripe, with `STRIPE_API_KEY`), "sandbox"
(the local Stripe in `sandbox/stripe`: in this process, or over HTTP at `STRIPE_SANDBOX_URL`)
or "off" (nothing is reported). Every SDK error becomes a `StripeReportingError` whose
message never carries a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import stripe
from django.conf import settings

from provisioning.billing import stripe_customer_link
from provisioning.models import StripeCustomer
from tenants.models import Tenant
from tenants.services import Actor

MODE_LIVE, MODE_SANDBOX, MODE_OFF = "live", "sandbox", "off"
METER_DISPLAY_NAME = "ISV platform usage"
CUSTOMER_PAYLOAD_KEY = "stripe_customer_id"
VALUE_PAYLOAD_KEY = "value"
TIMEOUT_SECONDS = 30
_KEY = re.compile(r"\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9*]+")
T = TypeVar("T")


class StripeReportingError(Exception):
    """A Stripe call that failed; `retryable` when trying again later may succeed."""

    def __init__(self, message: str, *, retryable: bool, code: str = "", param: str = "") -> None:
        super().__init__(redact(message))
        self.message = redact(message)
        self.retryable = retryable
        self.code = code or ""
        self.param = param or ""


def redact(text: str) -> str:
    """`text` without anything shaped like a Stripe key (Stripe's errors quote them masked)."""
    return _KEY.sub("[key]", text or "")


def mode() -> str:
    value = (getattr(settings, "STRIPE_MODE", MODE_OFF) or MODE_OFF).lower()
    return value if value in (MODE_LIVE, MODE_SANDBOX) else MODE_OFF


def reporting_enabled() -> bool:
    return mode() != MODE_OFF


@contextmanager
def connection() -> Iterator[stripe.StripeClient]:
    """A `StripeClient` for the configured mode; its HTTP client is closed afterwards."""
    current = mode()
    if current == MODE_OFF:
        raise StripeReportingError("Stripe reporting is off (STRIPE_MODE).", retryable=False)
    base_addresses: dict[str, str] = {}
    if current == MODE_LIVE:
        key = settings.STRIPE_API_KEY
        http: stripe.HTTPClient = stripe.RequestsClient(timeout=TIMEOUT_SECONDS)
    else:
        from sandbox.stripe.keys import secret_key
        from sandbox.stripe.transport import InProcessStripeClient

        key = secret_key()
        url = (settings.STRIPE_SANDBOX_URL or "").rstrip("/")
        if url:
            base_addresses = {"api": url, "meter_events": url}
            http = stripe.RequestsClient(timeout=TIMEOUT_SECONDS)
        else:
            http = InProcessStripeClient()
    if not key:
        raise StripeReportingError("STRIPE_API_KEY is not set.", retryable=False)
    try:
        yield stripe.StripeClient(
            key, http_client=http, base_addresses=base_addresses, max_network_retries=2
        )
    finally:
        http.close()


def _call(fn: Callable[[], T]) -> T:
    try:
        return fn()
    except (stripe.AuthenticationError, stripe.PermissionError, stripe.InvalidRequestError) as err:
        raise StripeReportingError(
            _message(err), retryable=False, code=err.code, param=getattr(err, "param", "")
        ) from None
    except stripe.StripeError as err:
        # Connection trouble, rate limits, Stripe's 5xx, a concurrent idempotent request.
        raise StripeReportingError(_message(err), retryable=True, code=err.code) from None


def _message(err: stripe.StripeError) -> str:
    status = f"HTTP {err.http_status}: " if err.http_status else ""
    return f"Stripe: {status}{err.user_message or type(err).__name__}"


def _with(client: stripe.StripeClient | None, fn: Callable[[stripe.StripeClient], T]) -> T:
    if client is not None:
        return _call(lambda: fn(client))
    with connection() as made:
        return _call(lambda: fn(made))


def ensure_meter(event_name: str, *, client: stripe.StripeClient | None = None) -> str:
    """The id of the active meter for `event_name`, created (summing values) if missing."""

    def run(c: stripe.StripeClient) -> str:
        for meter in c.v1.billing.meters.list(
            {"status": "active", "limit": 100}
        ).auto_paging_iter():
            if meter.event_name == event_name:
                return meter.id
        created = c.v1.billing.meters.create(
            {
                "display_name": METER_DISPLAY_NAME,
                "event_name": event_name,
                "default_aggregation": {"formula": "sum"},
                "customer_mapping": {"event_payload_key": CUSTOMER_PAYLOAD_KEY, "type": "by_id"},
                "value_settings": {"event_payload_key": VALUE_PAYLOAD_KEY},
            },
            {"idempotency_key": f"isv-meter-{event_name}"},
        )
        return created.id

    return _with(client, run)


def ensure_customer(tenant: Tenant, *, client: stripe.StripeClient | None = None) -> str:
    """The tenant's Stripe customer: its linked one, else one created now and linked."""
    link = StripeCustomer.objects.for_tenant(tenant).first()
    if link is not None:
        return link.customer_id

    def run(c: stripe.StripeClient) -> str:
        created = c.v1.customers.create(
            {"name": tenant.name, "metadata": {"tenant_id": str(tenant.pk)}},
            # A second attempt within Stripe's 24 hours gets the same customer back.
            {"idempotency_key": f"isv-customer-{tenant.pk}"},
        )
        return created.id

    customer_id = _with(client, run)
    return stripe_customer_link(
        tenant=tenant, customer_id=customer_id, actor=Actor.system()
    ).customer_id


def send_meter_event(
    *,
    event_name: str,
    customer_id: str,
    value: int,
    identifier: str,
    timestamp: datetime,
    client: stripe.StripeClient | None = None,
) -> bool:
    """Report one meter event; False when Stripe already holds one with this identifier
    (Stripe refuses a repeated identifier, so it never counts twice)."""

    stamp = int(timestamp.timestamp())

    def run(c: stripe.StripeClient) -> Any:
        # The key covers the whole body: a retry with another timestamp gets a new key, and
        # Stripe's refusal of the repeated identifier then says it is already held.
        return c.v1.billing.meter_events.create(
            {
                "event_name": event_name,
                "payload": {CUSTOMER_PAYLOAD_KEY: customer_id, VALUE_PAYLOAD_KEY: str(value)},
                "identifier": identifier,
                "timestamp": stamp,
            },
            {"idempotency_key": f"meter-event-{identifier}-{stamp}"},
        )

    try:
        _with(client, run)
    except StripeReportingError as err:
        if _duplicate(err):
            return False
        raise
    return True


def _duplicate(err: StripeReportingError) -> bool:
    return err.param == "identifier" and err.code == "resource_already_exists"
