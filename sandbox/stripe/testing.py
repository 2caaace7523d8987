"""Test helpers for the local Stripe: an SDK client on it, and what it received."""

from __future__ import annotations

import stripe

from sandbox.stripe.keys import secret_key
from sandbox.stripe.models import StripeCustomer, StripeMeterEvent
from sandbox.stripe.transport import InProcessStripeClient


def sdk_client(api_key: str | None = None) -> stripe.StripeClient:
    """The real `stripe` SDK, talking to the local Stripe in this process."""
    return stripe.StripeClient(api_key or secret_key(), http_client=InProcessStripeClient())


def meter_events(**filters) -> list[StripeMeterEvent]:
    """The meter events received (oldest first), e.g. `meter_events(customer_id="cus_…")`."""
    return list(StripeMeterEvent.objects.filter(**filters).order_by("created", "id"))


def customers(**filters) -> list[StripeCustomer]:
    return list(StripeCustomer.objects.filter(**filters))
