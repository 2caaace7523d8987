"""A tenant's own Twilio account, connected instead of a platform subaccount.

The connected account is a `TwilioSubaccount` row with origin `connected`, so numbers,
messaging services, 10DLC, sending and callback verification go through the same account
abstraction (`provisioning.accounts`) as a platform subaccount. The credentials are checked
with a real call before anything is stored; the auth token is stored encrypted, is never
shown again, and is what verifies the callbacks Twilio signs for that account. The platform
never suspends or closes the tenant's account at Twilio: disconnecting only forgets it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning import enqueue
from provisioning.errors import ProvisioningConflict
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.services import _lock
from tenants.models import Tenant
from tenants.services import Actor, record_audit, tenant_lock

Status = TwilioSubaccount.Status
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
AUTH_TOKEN = re.compile(r"[0-9a-fA-F]{32}")
REFUSED = (
    "Twilio refused these credentials: check the account SID and the auth token "
    "(Twilio Console, Account info)."
)


def _validate_format(account_sid: str, auth_token: str) -> None:
    errors = {}
    if not ACCOUNT_SID.fullmatch(account_sid):
        errors["account_sid"] = "An account SID is AC followed by 32 hexadecimal characters."
    if not AUTH_TOKEN.fullmatch(auth_token):
        errors["auth_token"] = "An auth token is 32 hexadecimal characters."
    if errors:
        raise ValidationError(errors)
    platform_sids = {settings.TWILIO_ACCOUNT_SID, gateway.sandbox_master_credentials()[0]}
    if account_sid in platform_sids:
        raise ValidationError({"account_sid": "This is the platform's own Twilio account."})


def verify_credentials(tenant: Tenant, account_sid: str, auth_token: str) -> gateway.Account:
    """Fetch the account with the tenant's credentials: the real call that proves them.

    Refused credentials, a closed or suspended account, or one of the platform's own
    subaccounts are a ValidationError; an outage stays a gateway error (503 upstream)."""
    client = gateway.account_client(account_sid, auth_token, sandboxed=tenant.is_demo)
    try:
        account = gateway.fetch_account(account_sid, client=client)
    except (gateway.AuthenticationError, gateway.NotFoundError) as err:
        raise ValidationError({"auth_token": REFUSED}) from err
    if account.status != "active":
        raise ValidationError({"account_sid": f"This Twilio account is {account.status}."})
    platform_master = gateway.master_account_sid(sandboxed=tenant.is_demo)
    if account.owner_account_sid == platform_master:
        raise ValidationError(
            {"account_sid": "This is one of the platform's subaccounts, not your own account."}
        )
    return account


def twilio_account_connect(
    *, tenant: Tenant, actor: Actor, account_sid: str, auth_token: str
) -> TwilioSubaccount:
    """Connect the tenant's own Twilio account, then sync its numbers (after the commit).

    Allowed while the tenant has no platform subaccount at Twilio yet: a pending or failed
    request without a SID is withdrawn. The check runs outside any transaction, so a slow
    Twilio holds no lock."""
    account_sid, auth_token = account_sid.strip(), auth_token.strip()
    if tenant.status != Tenant.Status.ACTIVE:
        raise ProvisioningConflict(tenant.inactive_message, code="tenant_inactive")
    _validate_format(account_sid, auth_token)
    account = verify_credentials(tenant, account_sid, auth_token)
    with transaction.atomic():
        tenant_lock(tenant.pk)
        _withdraw_open(tenant, actor)
        sub = _connected_row(tenant, account_sid)
        sub.friendly_name = (account.friendly_name or account_sid)[:200]
        sub.auth_token = auth_token
        sub.status = Status.ACTIVE
        sub.activated_at = timezone.now()
        sub.closed_at = None
        sub.last_error_code = None
        sub.last_error_message = ""
        sub.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="twilio_account.connected",
            target=sub,
            changes={"sid": account_sid},
        )
        enqueue.sync_numbers(sub.pk)
    return sub


def _withdraw_open(tenant: Tenant, actor: Actor) -> None:
    """Make room for the connected account: refuse if an account is already in use."""
    current = TwilioSubaccount.objects.for_tenant(tenant).exclude(status=Status.CLOSED).first()
    if current is None:
        return
    current = _lock(current)
    if current.is_connected:
        raise ProvisioningConflict(
            "A Twilio account is already connected; disconnect it first.", code="connected"
        )
    if current.sid or current.status == Status.PROVISIONING:
        raise ProvisioningConflict(
            "The platform has already created a Twilio subaccount for you; it can't be "
            "replaced by your own account.",
            code="subaccount_exists",
        )
    before = current.status
    current.status = Status.CLOSED
    current.closed_at = timezone.now()
    current.status_reason = "Replaced by the tenant's own Twilio account."
    current.save()
    record_audit(
        tenant=tenant,
        actor=actor,
        action="subaccount.withdrawn",
        target=current,
        changes={"status": [before, Status.CLOSED]},
    )


def _connected_row(tenant: Tenant, account_sid: str) -> TwilioSubaccount:
    """The tenant's row for this account: a reconnect reuses the one it disconnected."""
    taken = TwilioSubaccount.objects.filter(sid=account_sid).first()
    if taken is not None and (taken.tenant_id != tenant.pk or not taken.is_connected):
        raise ProvisioningConflict(
            "This Twilio account is already connected to the platform.", code="account_taken"
        )
    return taken or TwilioSubaccount(
        tenant=tenant, sid=account_sid, origin=TwilioSubaccount.Origin.CONNECTED
    )


def twilio_account_disconnect(*, tenant: Tenant, actor: Actor) -> TwilioSubaccount:
    """Stop using the tenant's own account: forget its credentials and its numbers here.

    Nothing is changed at Twilio (the account, its numbers and their webhooks are the
    tenant's); callbacks still arriving for it are refused, as no token verifies them."""
    with transaction.atomic():
        tenant_lock(tenant.pk)
        sub = (
            TwilioSubaccount.objects.for_tenant(tenant)
            .filter(origin=TwilioSubaccount.Origin.CONNECTED)
            .exclude(status=Status.CLOSED)
            .first()
        )
        if sub is None:
            raise ProvisioningConflict("No Twilio account of yours is connected.", code="none")
        return forget_connected(_lock(sub), actor)


def forget_connected(sub: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Close the connected row (locked by the caller) without a call to Twilio."""
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
    sub.save()
    record_audit(
        tenant=sub.tenant,
        actor=actor,
        action="twilio_account.disconnected",
        target=sub,
        changes={"status": [before, Status.CLOSED]},
    )
    return sub
