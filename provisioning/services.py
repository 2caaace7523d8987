"""A tenant's Twilio subaccount from request to active: request, provision (create or adopt),
activate, record errors; and the staff's number limit.

Neighbours: sign-up in `signup`, suspension and closing in `suspension`, token rotation in
`tokens`, the REST API key in `api_keys`; `_lock` here is the row lock all of them take.
Tasks are queued by name through `enqueue`, never by importing `tasks` (which imports this
module).

Every function that changes state writes an audit row. Twilio calls go through the gateway;
those that must happen exactly once (creating the subaccount, promoting a token) run while the
subaccount row is locked, and record Twilio's answer before anything else can fail.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway

# Aliased: `enqueue` is `subaccount_request`'s flag.
from provisioning import enqueue as after_commit
from provisioning.accounts import master_client_for
from provisioning.api_keys import subaccount_ensure_api_key
from provisioning.errors import ProvisioningConflict
from provisioning.locks import (
    SubaccountBusy,
    released_on_error,
    subaccount_claimed,
    subaccount_lock,
    subaccount_take_claim,
)
from provisioning.models import TwilioSubaccount
from provisioning.selectors import open_subaccount
from tenants.models import Tenant
from tenants.services import Actor, record_audit, tenant_lock

logger = logging.getLogger(__name__)
Status = TwilioSubaccount.Status
Source = TwilioSubaccount.SuspensionSource


def subaccount_friendly_name(tenant: Tenant) -> str:
    """The name given to the tenant's subaccount in Twilio, tagged with the tenant's id so a
    retried provisioning finds the account an earlier attempt created."""
    return f"{tenant.name[:120]} [tenant {tenant.pk}]"


def _lock(subaccount: TwilioSubaccount) -> TwilioSubaccount:
    return subaccount_lock(subaccount.pk)


# --- provisioning -------------------------------------------------------------------------


def subaccount_request(
    *, tenant: Tenant, actor: Actor, area_code: str = "", enqueue: bool = True
) -> TwilioSubaccount:
    """Make sure provisioning of the tenant's subaccount is under way (or done).

    Creates the pending row if the tenant has no open subaccount, puts a failed one back to
    pending (a retry), and sends the provisioning task after commit (unless the caller runs
    `subaccount_provision` itself, like the demo seed). Idempotent.
    """
    if tenant.status == Tenant.Status.CLOSED:
        raise ProvisioningConflict("This tenant is closed.", code="tenant_closed")
    with transaction.atomic():
        tenant_lock(tenant.pk)
        sub = open_subaccount(tenant)
        if sub is None:
            sub = TwilioSubaccount.objects.create(
                tenant=tenant,
                friendly_name=subaccount_friendly_name(tenant),
                requested_area_code=area_code,
            )
            record_audit(
                tenant=tenant, actor=actor, action="subaccount.requested", target=sub, changes={}
            )
        else:
            sub = _lock(sub)
            if sub.status == Status.FAILED:
                before = sub.status
                sub.status = Status.PENDING
                sub.save(update_fields=["status", "updated_at"])
                record_audit(
                    tenant=tenant,
                    actor=actor,
                    action="subaccount.retry",
                    target=sub,
                    changes={"status": [before, sub.status], "last_error": sub.last_error_code},
                )
            if area_code and not sub.requested_area_code:
                sub.requested_area_code = area_code
                sub.save(update_fields=["requested_area_code", "updated_at"])
        if enqueue and sub.status in (Status.PENDING, Status.PROVISIONING):
            after_commit.provision_subaccount(sub.pk)
    return sub


def subaccount_provision(subaccount_id: str) -> TwilioSubaccount:
    """Create or adopt the Twilio subaccount, then activate it: the provisioning task's body.

    Safe to run any number of times, also concurrently: the run that claims the row looks the
    account up by friendly name and creates it only when Twilio has none, outside any
    transaction; a second run finds the row claimed and leaves it (the reconcile job resumes
    a run that died). Raises GatewayError; the task decides whether to retry.
    """
    with transaction.atomic():
        sub = subaccount_lock(subaccount_id)
        if sub.status not in (Status.PENDING, Status.PROVISIONING):
            return sub
        if sub.tenant.status == Tenant.Status.CLOSED:
            return sub  # nothing is created for a closed tenant; reconcile closes the row
        if sub.sid:
            held = None
        else:
            try:
                held = subaccount_take_claim(sub)
            except SubaccountBusy:
                return sub
        sub.status = Status.PROVISIONING
        sub.attempts += 1
        sub.save(update_fields=["status", "attempts", "updated_at"])
    if held is not None:
        with released_on_error(held):
            account, adopted = _find_or_create(sub)
        with subaccount_claimed(held) as sub:
            if sub.status != Status.PROVISIONING or sub.sid:
                return sub
            sub.sid = account.sid
            sub.auth_token = account.auth_token
            sub.save(update_fields=["sid", "auth_token", "updated_at"])
            record_audit(
                tenant=sub.tenant,
                actor=Actor.system(),
                action="subaccount.adopted" if adopted else "subaccount.created",
                target=sub,
                changes={"sid": sub.sid},
            )
    # Its REST calls use an API key from the start; an adopted account may already have one.
    return _activate(subaccount_ensure_api_key(sub))


def _find_or_create(sub: TwilioSubaccount) -> tuple[gateway.Account, bool]:
    """The tenant's account at Twilio, with its token, and whether it already existed."""
    client = master_client_for(sub.tenant)
    account = gateway.find_subaccount_by_friendly_name(sub.friendly_name, client=client)
    adopted = account is not None
    if account is None:
        account = gateway.create_subaccount(sub.friendly_name, client=client)
    if not account.auth_token:
        account = gateway.fetch_account(account.sid, client=client)
    return account, adopted


def _activate(sub: TwilioSubaccount) -> TwilioSubaccount:
    account = gateway.fetch_account(sub.sid, client=master_client_for(sub.tenant))
    with transaction.atomic():
        sub = _lock(sub)
        if sub.status != Status.PROVISIONING:
            return sub
        if sub.auth_token is None and account.auth_token is not None:
            sub.auth_token = account.auth_token
        now = timezone.now()
        if account.status == "active":
            sub.status = Status.ACTIVE
            sub.activated_at = now
        elif account.status == "suspended":
            sub.status = Status.SUSPENDED
            sub.suspension_source = Source.TWILIO
            sub.status_reason = "Suspended in Twilio when it was adopted."
        else:
            sub.status = Status.FAILED
            sub.last_error_code = None
            sub.last_error_message = f"The Twilio account {sub.sid} is {account.status}."
        if sub.status != Status.FAILED:
            sub.last_error_code = None
            sub.last_error_message = ""
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=Actor.system(),
            action=f"subaccount.{sub.status}",
            target=sub,
            changes={"status": [Status.PROVISIONING, sub.status], "attempts": sub.attempts},
        )
        if sub.status == Status.ACTIVE and sub.requested_area_code:
            after_commit.buy_first_number(sub.pk)
    return sub


def subaccount_record_error(
    subaccount_id: str, error: gateway.GatewayError, *, final: bool
) -> TwilioSubaccount | None:
    """Keep the last Twilio error on the row; a final one marks provisioning failed."""
    with transaction.atomic():
        try:
            sub = subaccount_lock(subaccount_id)
        except TwilioSubaccount.DoesNotExist:
            return None
        if sub.status not in (Status.PENDING, Status.PROVISIONING):
            return sub
        sub.last_error_code = error.code
        sub.last_error_message = str(error.message)[:2000]
        fields = ["last_error_code", "last_error_message", "updated_at"]
        if final:
            sub.status = Status.FAILED
            fields.append("status")
            record_audit(
                tenant=sub.tenant,
                actor=Actor.system(),
                action="subaccount.failed",
                target=sub,
                changes={"code": error.code, "message": sub.last_error_message[:200]},
            )
        sub.save(update_fields=fields)
    logger.warning("subaccount %s provisioning error (final=%s): %s", subaccount_id, final, error)
    return sub


# --- staff settings -------------------------------------------------------------------------


def subaccount_set_number_limit(
    *, subaccount: TwilioSubaccount, limit: int | None, actor: Actor
) -> TwilioSubaccount:
    """Staff override of the platform's per-tenant number limit (None: the platform's)."""
    if limit is not None and limit < 0:
        raise ValidationError({"number_limit": "The limit can't be negative."})
    with transaction.atomic():
        sub = _lock(subaccount)
        before = sub.number_limit
        sub.number_limit = limit
        sub.save(update_fields=["number_limit", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.number_limit_changed",
            target=sub,
            changes={"number_limit": [before, limit]},
        )
    return sub
