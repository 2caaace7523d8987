"""Suspending, reactivating and closing a tenant's Twilio subaccount (staff, billing, reconcile).

A suspension is made in Twilio and here, and remembers who imposed it (`suspension_source`),
so lifting a billing suspension never lifts one staff or Twilio imposed. Closing releases the
numbers first and keeps no secret of the closed account.

A tenant's own connected account is never suspended, reactivated or closed at Twilio: the
platform only stops (or resumes) using it, and closing disconnects it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import master_client_for
from provisioning.errors import ProvisioningConflict
from provisioning.locks import (
    released_on_error,
    subaccount_claimed,
    subaccount_lock,
    subaccount_take_claim,
)
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_release
from provisioning.selectors import active_numbers
from provisioning.services import _lock
from tenants.services import Actor, record_audit

Status = TwilioSubaccount.Status
Source = TwilioSubaccount.SuspensionSource


def set_status_at_twilio(sub: TwilioSubaccount, status: str) -> None:
    """Suspend, reactivate or close the platform's subaccount at Twilio; the tenant's own
    account is not the platform's to change, so nothing is sent for it."""
    if not sub.is_connected:
        gateway.set_account_status(sub.sid, status, client=master_client_for(sub.tenant))


def subaccount_suspend(
    *, subaccount: TwilioSubaccount, actor: Actor, reason: str = "", source: str = Source.STAFF
) -> TwilioSubaccount:
    """Suspend in Twilio (the account can't send or be used) and here."""
    with transaction.atomic():
        sub = subaccount_lock(subaccount.pk)
        if sub.status == Status.SUSPENDED:
            return sub
        if sub.status != Status.ACTIVE:
            raise ProvisioningConflict(
                f"Only an active subaccount can be suspended; it is {sub.status}."
            )
        held = subaccount_take_claim(sub)
    with released_on_error(held):
        set_status_at_twilio(sub, "suspended")
    with subaccount_claimed(held) as sub:
        before = sub.status
        sub.status = Status.SUSPENDED
        sub.status_reason = reason[:200]
        sub.suspension_source = source
        sub.save(update_fields=["status", "status_reason", "suspension_source", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.suspended",
            target=sub,
            changes={"status": [before, Status.SUSPENDED], "reason": reason},
        )
    return sub


def subaccount_reactivate(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Lift a suspension in Twilio and here; also cancels a scheduled closing."""
    with transaction.atomic():
        sub = subaccount_lock(subaccount.pk)
        if sub.status == Status.ACTIVE and sub.close_scheduled_at is None:
            return sub
        if sub.status not in (Status.SUSPENDED, Status.ACTIVE):
            raise ProvisioningConflict(
                f"Only a suspended subaccount can be reactivated; it is {sub.status}."
            )
        held = subaccount_take_claim(sub)
    with released_on_error(held):
        if sub.status == Status.SUSPENDED:
            set_status_at_twilio(sub, "active")
    with subaccount_claimed(held) as sub:
        before = sub.status
        sub.status = Status.ACTIVE
        sub.status_reason = ""
        sub.suspension_source = ""
        sub.close_scheduled_at = None
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.reactivated",
            target=sub,
            changes={"status": [before, Status.ACTIVE]},
        )
    return sub


def subaccount_resume_billing(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """A subscription is active again: cancel a scheduled closing and lift a suspension that
    billing imposed (never one staff or Twilio imposed)."""
    sub = TwilioSubaccount.objects.get(pk=subaccount.pk)
    if sub.status == Status.SUSPENDED and sub.suspension_source == Source.BILLING:
        return subaccount_reactivate(subaccount=sub, actor=actor)
    if sub.close_scheduled_at is None or sub.status == Status.CLOSED:
        return sub
    with transaction.atomic():
        sub = _lock(sub)
        sub.close_scheduled_at = None
        sub.save(update_fields=["close_scheduled_at", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.close_cancelled",
            target=sub,
            changes={},
        )
    return sub


def subaccount_schedule_close(
    *, subaccount: TwilioSubaccount, actor: Actor, when=None
) -> TwilioSubaccount:
    """Close the subaccount later (the reconcile job does it), e.g. when a subscription ends."""
    when = when or timezone.now() + timedelta(days=settings.SUBSCRIPTION_CLOSE_GRACE_DAYS)
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.status == Status.CLOSED:
            return sub
        sub.close_scheduled_at = when
        sub.save(update_fields=["close_scheduled_at", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.close_scheduled",
            target=sub,
            changes={"close_at": when.isoformat()},
        )
    return sub


def subaccount_close(
    *, subaccount: TwilioSubaccount, actor: Actor, confirmed: bool
) -> TwilioSubaccount:
    """Close for good: release the tenant's numbers (pooled ones return to the pool), then
    close the Twilio account. Irreversible, so the caller must confirm.

    Each step is idempotent: if Twilio fails midway, calling again finishes the job.
    """
    if not confirmed:
        raise ValidationError({"confirm": "Closing is irreversible; confirm it explicitly."})
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    if sub.status == Status.CLOSED:
        return sub
    if sub.is_connected:
        # The account and its numbers are the tenant's: closing only disconnects it.
        with transaction.atomic():
            return forget_connected(_lock(sub), actor)
    if not sub.sid:
        sub = _record_orphan_sid(sub)
    if sub.sid and sub.status == Status.SUSPENDED:
        # A suspended account can't release its numbers; lift it for the few calls needed.
        set_status_at_twilio(sub, "active")
    if sub.sid:
        for number in active_numbers(sub.tenant).filter(subaccount=sub):
            number_release(number=number, actor=actor, to_pool=None, reason="subaccount closed")
    return _close_account(sub, actor)


def _record_orphan_sid(sub: TwilioSubaccount) -> TwilioSubaccount:
    """Provisioning may have created the account and died before recording it."""
    orphan = gateway.find_subaccount_by_friendly_name(
        sub.friendly_name, client=master_client_for(sub.tenant)
    )
    if orphan is None:
        return sub
    with transaction.atomic():
        sub = _lock(sub)
        sub.sid = sub.sid or orphan.sid
        sub.save(update_fields=["sid", "updated_at"])
    return sub


def _close_account(sub: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    with transaction.atomic():
        sub = subaccount_lock(sub.pk)
        if sub.status == Status.CLOSED:
            return sub
        held = subaccount_take_claim(sub)
    with released_on_error(held):
        if sub.sid:
            set_status_at_twilio(sub, "closed")
    with subaccount_claimed(held) as sub:
        before = sub.status
        sub.status = Status.CLOSED
        sub.closed_at = timezone.now()
        sub.close_scheduled_at = None
        sub.forget_credentials()
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.closed",
            target=sub,
            changes={"status": [before, Status.CLOSED]},
        )
    return sub


def forget_connected(sub: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Close the tenant's own account's row (locked by the caller) without a call to Twilio:
    the account, its numbers and their webhooks are the tenant's; callbacks still arriving
    for it are refused, as no token is kept to verify them."""
    before = sub.status
    now = timezone.now()
    PhoneNumber.objects.for_tenant(sub.tenant).filter(
        subaccount=sub, status=PhoneNumber.Status.ACTIVE
    ).update(status=PhoneNumber.Status.RELEASED, released_at=now, is_primary=False)
    sub.status = Status.CLOSED
    sub.closed_at = now
    sub.close_scheduled_at = None
    sub.auth_token = None
    sub.previous_auth_token = None
    sub.secondary_auth_token = None
    sub.previous_token_valid_until = None
    sub.api_key_secret = None
    sub.save()
    record_audit(
        tenant=sub.tenant,
        actor=actor,
        action="twilio_account.disconnected",
        target=sub,
        changes={"status": [before, Status.CLOSED]},
    )
    return sub
