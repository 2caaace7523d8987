"""The periodic comparison of each subaccount with Twilio, and the jobs that ride along.

Who wins a disagreement: Twilio for what only Twilio can decide (it suspended or closed the
account, numbers were bought or released in its console); the platform for what the
platform decided (a suspension for an unpaid subscription is put back if someone lifted it
in Twilio). Every fix is a `ReconcileRecord` and an audit row.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isvplatform import gateway
from provisioning import enqueue
from provisioning.accounts import master_client_for, subaccount_client
from provisioning.locks import subaccount_lock
from provisioning.models import PhoneNumber, ReconcileRecord, TwilioSubaccount
from provisioning.numbers import numbers_sync
from provisioning.suspension import set_status_at_twilio, subaccount_close
from provisioning.tokens import subaccount_retire_previous_token
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)
Status = TwilioSubaccount.Status


def subaccount_reconcile(*, subaccount: TwilioSubaccount, now=None) -> list[ReconcileRecord]:
    """Compare one subaccount with Twilio, fix what differs, and say what was fixed."""
    now = now or timezone.now()
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    fixed: list[ReconcileRecord] = []
    system = Actor.system()
    if sub.status == Status.CLOSED:
        return fixed
    tenant_closed = sub.tenant.status == Tenant.Status.CLOSED
    if tenant_closed or (sub.close_scheduled_at is not None and sub.close_scheduled_at <= now):
        # A closed tenant keeps no Twilio account (nor its numbers) running up charges.
        subaccount_close(subaccount=sub, actor=system, confirmed=True)
        kind = (
            ReconcileRecord.Kind.TENANT_CLOSED
            if tenant_closed
            else ReconcileRecord.Kind.CLOSED_AS_SCHEDULED
        )
        with transaction.atomic():
            fixed.append(_record(sub, kind, "closed", {}))
        return fixed

    if sub.status in (Status.PENDING, Status.PROVISIONING):
        stuck_since = now - timedelta(minutes=settings.PROVISIONING_STUCK_MINUTES)
        if sub.updated_at < stuck_since:
            with transaction.atomic():
                fixed.append(
                    _record(sub, ReconcileRecord.Kind.PROVISIONING_RESUMED, sub.status, {})
                )
                enqueue.provision_subaccount(sub.pk)
        return fixed
    if not sub.sid:
        return fixed

    if sub.is_connected:
        account = _fetch_connected(sub)
        if account is None:
            return fixed
    else:
        account = gateway.fetch_account(sub.sid, client=master_client_for(sub.tenant))
    fixed.extend(_reconcile_status(sub, account.status, system))
    sub.refresh_from_db()
    if sub.status == Status.ACTIVE:
        fixed.extend(numbers_sync(subaccount=sub))
    if sub.previous_auth_token is not None and (
        sub.previous_token_valid_until is None or sub.previous_token_valid_until <= now
    ):
        subaccount_retire_previous_token(subaccount=sub, now=now)
        with transaction.atomic():
            fixed.append(_record(sub, ReconcileRecord.Kind.TOKEN_EXPIRED, "previous token", {}))
    TwilioSubaccount.objects.filter(pk=sub.pk).update(last_reconciled_at=now)
    return fixed


CREDENTIALS_REFUSED = (
    "Twilio refuses the connected credentials (was the auth token changed?): connect the "
    "account again with its current token."
)


def _fetch_connected(sub: TwilioSubaccount) -> gateway.Account | None:
    """The tenant's own account, read with its own credentials (the master has no say over
    it); None when Twilio refuses them, recorded where the tenant and staff see it."""
    try:
        account = gateway.fetch_account(sub.sid, client=subaccount_client(sub))
    except gateway.AuthenticationError as err:
        TwilioSubaccount.objects.filter(pk=sub.pk).update(
            last_error_code=err.code, last_error_message=CREDENTIALS_REFUSED
        )
        return None
    if sub.last_error_message == CREDENTIALS_REFUSED:
        TwilioSubaccount.objects.filter(pk=sub.pk).update(
            last_error_code=None, last_error_message=""
        )
    return account


def _reconcile_status(
    sub: TwilioSubaccount, twilio_status: str, actor: Actor
) -> list[ReconcileRecord]:
    if twilio_status == sub.status:
        return []
    suspend_again = False
    with transaction.atomic():
        sub = subaccount_lock(sub.pk)
        ours = sub.status
        if twilio_status == ours or ours not in (Status.ACTIVE, Status.SUSPENDED):
            return []
        changes = {"platform": ours, "twilio": twilio_status}
        if twilio_status == "closed":
            sub.status = Status.CLOSED
            sub.closed_at = timezone.now()
            sub.forget_credentials()
            sub.save()
            PhoneNumber.objects.for_tenant(sub.tenant).filter(
                subaccount=sub, status=PhoneNumber.Status.ACTIVE
            ).update(
                status=PhoneNumber.Status.RELEASED, released_at=timezone.now(), is_primary=False
            )
            detail = "closed in Twilio: closed here, its numbers marked released"
        elif twilio_status == "suspended" and ours == Status.ACTIVE:
            sub.status = Status.SUSPENDED
            sub.suspension_source = TwilioSubaccount.SuspensionSource.TWILIO
            sub.status_reason = "Suspended in Twilio"
            sub.save()
            detail = "suspended in Twilio: suspended here"
        elif twilio_status == "active" and ours == Status.SUSPENDED:
            if sub.is_connected:
                return []  # the tenant's own account: suspended here only, by design
            suspend_again = True
            detail = "active in Twilio while suspended here: suspended again in Twilio"
        else:
            return []
        record = _record(sub, ReconcileRecord.Kind.STATUS_DRIFT, detail, changes)
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.reconciled",
            target=sub,
            changes=changes,
        )
    if suspend_again:
        # Twilio's side after the transaction: no row lock is held while Twilio answers.
        set_status_at_twilio(sub, "suspended")
    return [record]


def _record(sub: TwilioSubaccount, kind: str, detail: str, changes: dict) -> ReconcileRecord:
    return ReconcileRecord.objects.create(
        tenant=sub.tenant, subaccount=sub, kind=kind, detail=detail, changes=changes
    )


def subaccounts_to_reconcile():
    """Every subaccount the periodic job looks at: all but closed and failed ones."""
    return TwilioSubaccount.objects.exclude(status__in=[Status.CLOSED, Status.FAILED])


def subaccounts_due_for_rotation(now=None):
    """Active subaccounts whose token is older than `TWILIO_TOKEN_ROTATION_DAYS`, and any
    whose rotation was interrupted."""
    now = now or timezone.now()
    # A tenant's own account's token is the tenant's to rotate, never the platform's.
    active = TwilioSubaccount.objects.filter(
        status=Status.ACTIVE, origin=TwilioSubaccount.Origin.PLATFORM
    )
    interrupted = Q(secondary_auth_token__isnull=False)
    days = int(settings.TWILIO_TOKEN_ROTATION_DAYS)
    if days <= 0:
        return active.filter(interrupted)
    cutoff = now - timedelta(days=days)
    due = Q(token_rotated_at__lte=cutoff) | Q(
        token_rotated_at__isnull=True, activated_at__lte=cutoff
    )
    return active.filter(due | interrupted)
