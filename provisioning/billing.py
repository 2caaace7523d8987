"""Subscription-driven provisioning: Stripe events start, suspend and close subaccounts.

An event is verified with the `Stripe-Signature` scheme (the `stripe` library), recorded by
id in the same transaction as its effects (so a replay does nothing), and its Twilio work is
queued after commit. Subscription events older than the newest one applied for the customer
are recorded but change nothing, since Stripe doesn't promise delivery order.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from provisioning import enqueue
from provisioning.models import StripeCustomer, StripeEvent, TwilioSubaccount
from provisioning.selectors import open_subaccount
from provisioning.services import subaccount_request
from provisioning.suspension import subaccount_schedule_close
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

ACTIVE_STATUSES = frozenset({"active", "trialing"})
SUSPEND_STATUSES = frozenset({"canceled", "unpaid"})
PROVISION_EVENTS = frozenset(
    {"checkout.session.completed", "customer.subscription.created", "customer.subscription.updated"}
)


class InvalidStripeEvent(Exception):
    """Bad or stale signature, or a body that isn't a Stripe event: answer 400, do nothing."""


@dataclass(frozen=True)
class StripeOutcome:
    event_id: str
    type: str
    outcome: str
    duplicate: bool = False


def stripe_customer_link(*, tenant: Tenant, customer_id: str, actor: Actor) -> StripeCustomer:
    """Map a Stripe customer to a tenant (staff, or sign-up through checkout)."""
    customer_id = (customer_id or "").strip()
    if not customer_id.startswith("cus_"):
        raise ValidationError({"customer_id": "A Stripe customer id starts with cus_."})
    with transaction.atomic():
        taken = StripeCustomer.objects.filter(customer_id=customer_id).exclude(tenant=tenant)
        if taken.exists():
            raise ValidationError(
                {"customer_id": "This Stripe customer already belongs to another tenant."}
            )
        link = StripeCustomer.objects.select_for_update(of=("self",)).filter(tenant=tenant).first()
        before = link.customer_id if link else None
        if link is None:
            link = StripeCustomer.objects.create(tenant=tenant, customer_id=customer_id)
        elif link.customer_id != customer_id:
            link.customer_id = customer_id
            link.subscription_id = ""
            link.subscription_status = ""
            link.last_event_at = None
            link.save()
        else:
            return link
        record_audit(
            tenant=tenant,
            actor=actor,
            action="billing.stripe_customer_linked",
            target=link,
            changes={"customer_id": [before, customer_id]},
        )
    return link


def verify_stripe_event(payload: bytes, signature: str) -> dict[str, Any]:
    """The event, if `signature` was made with `STRIPE_WEBHOOK_SECRET` within the tolerance."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise InvalidStripeEvent("STRIPE_WEBHOOK_SECRET is not set; no event can be verified.")
    if not signature:
        raise InvalidStripeEvent("No Stripe-Signature header.")
    try:
        stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
        )
        event = json.loads(payload)
    except stripe.SignatureVerificationError as err:
        raise InvalidStripeEvent(f"Signature check failed: {err.user_message or err}") from err
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidStripeEvent("The body is not a JSON Stripe event.") from err
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidStripeEvent("The body is not a Stripe event.")
    return event


def stripe_event_receive(payload: bytes, signature: str) -> StripeOutcome:
    return stripe_event_process(verify_stripe_event(payload, signature))


def stripe_event_process(event: dict[str, Any]) -> StripeOutcome:
    """Act on a verified event exactly once per event id."""
    event_id, event_type = str(event["id"]), str(event["type"])
    obj = (event.get("data") or {}).get("object") or {}
    customer_id = obj.get("customer") if isinstance(obj.get("customer"), str) else ""
    created = _timestamp(event.get("created"))
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(
                    event_id=event_id,
                    type=event_type[:100],
                    customer_id=(customer_id or "")[:64],
                    created_at=created,
                )
        except IntegrityError:
            return StripeOutcome(event_id, event_type, "already processed", duplicate=True)
        tenant, outcome = _apply(event_type, obj, customer_id, created)
        record.tenant = tenant
        record.outcome = outcome[:200]
        record.save(update_fields=["tenant", "outcome"])
    logger.info("stripe event %s %s: %s", event_type, event_id, outcome)
    return StripeOutcome(event_id, event_type, outcome)


def _timestamp(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _tenant_for(
    customer_id: str, obj: dict[str, Any]
) -> tuple[Tenant | None, StripeCustomer | None]:
    link = (
        StripeCustomer.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(customer_id=customer_id)
        .first()
        if customer_id
        else None
    )
    if link is not None:
        return link.tenant, link
    # Checkout started from the portal carries the tenant id as client_reference_id.
    reference = str(obj.get("client_reference_id") or "")
    if customer_id and reference.isdigit():
        tenant = Tenant.objects.filter(pk=int(reference)).first()
        if tenant is not None and not StripeCustomer.objects.filter(tenant=tenant).exists():
            link = stripe_customer_link(tenant=tenant, customer_id=customer_id, actor=_billing())
            return tenant, link
    return None, None


def _billing() -> Actor:
    return Actor.system()


def _apply(
    event_type: str, obj: dict[str, Any], customer_id: str, created: datetime | None
) -> tuple[Tenant | None, str]:
    if event_type not in PROVISION_EVENTS and event_type != "customer.subscription.deleted":
        return None, "ignored: event type not used"
    tenant, link = _tenant_for(customer_id, obj)
    if tenant is None or link is None:
        return None, f"ignored: no tenant for Stripe customer {customer_id or '(none)'}"
    if event_type == "checkout.session.completed":
        paid = obj.get("payment_status") in ("paid", "no_payment_required")
        if obj.get("status") not in (None, "complete") or not paid:
            return tenant, "checkout not complete and paid: nothing to do"
        return tenant, _provision(tenant)
    # Subscription events.
    if created is not None and link.last_event_at is not None and created < link.last_event_at:
        return tenant, "stale: a newer subscription event was already applied"
    status = str(obj.get("status") or "")
    if event_type == "customer.subscription.deleted":
        status = status or "canceled"
    link.subscription_id = str(obj.get("id") or link.subscription_id)[:64]
    link.subscription_status = status[:32]
    link.last_event_at = created or link.last_event_at
    link.save()
    if event_type == "customer.subscription.deleted":
        return tenant, _schedule_close(tenant)
    if status in ACTIVE_STATUSES:
        return tenant, _provision(tenant)
    if status in SUSPEND_STATUSES:
        return tenant, _suspend(tenant, f"Subscription {status}")
    return tenant, f"subscription {status or 'without status'}: no change"


def _provision(tenant: Tenant) -> str:
    if tenant.status != Tenant.Status.ACTIVE:
        return f"tenant is {tenant.status}: not provisioned"
    sub = open_subaccount(tenant)
    if sub is None or sub.status in (
        TwilioSubaccount.Status.PENDING,
        TwilioSubaccount.Status.PROVISIONING,
        TwilioSubaccount.Status.FAILED,
    ):
        sub = subaccount_request(tenant=tenant, actor=_billing())
        return f"provisioning subaccount ({sub.status})"
    if sub.close_scheduled_at is not None or (
        sub.status == TwilioSubaccount.Status.SUSPENDED
        and sub.suspension_source == TwilioSubaccount.SuspensionSource.BILLING
    ):
        enqueue.resume_billing(sub.pk)
        return "reactivating subaccount"
    return f"subaccount already {sub.status}"


def _suspend(tenant: Tenant, reason: str) -> str:
    sub = open_subaccount(tenant)
    if sub is None:
        return "no subaccount to suspend"
    if sub.status == TwilioSubaccount.Status.SUSPENDED:
        return "subaccount already suspended"
    if sub.status != TwilioSubaccount.Status.ACTIVE:
        return f"subaccount is {sub.status}: nothing to suspend"
    enqueue.suspend_subaccount(sub.pk, reason)
    return "suspending subaccount"


def _schedule_close(tenant: Tenant) -> str:
    sub = open_subaccount(tenant)
    if sub is None:
        return "no subaccount to close"
    subaccount_schedule_close(subaccount=sub, actor=_billing())
    suspended = _suspend(tenant, "Subscription deleted")
    return f"closing scheduled; {suspended}"
