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
from provisioning.models import TwilioSubaccount
from provisioning.selectors import active_numbers, open_subaccount
from provisioning.services import _lock
from provisioning.suspension import forget_connected, subaccount_close
from tenants.models import Tenant
from tenants.services import Actor, record_audit, tenant_lock

Status = TwilioSubaccount.Status
ACCOUNT_SID = re.compile(r"AC[0-9a-fA-F]{32}")
AUTH_TOKEN = re.compile(r"[0-9a-fA-F]{32}")
API_KEY_SID = re.compile(r"SK[0-9a-fA-F]{32}")
API_KEY_SECRET = re.compile(r"[0-9A-Za-z]{32}")
KEY_REFUSED = (
    "Twilio refused this API key for the account: check the key SID and its secret (Twilio "
    "Console, API keys), or leave both empty to use the auth token."
)
REFUSED = (
    "Twilio refused these credentials: check the account SID and the auth token "
    "(Twilio Console, Account info)."
)


def _validate_format(account_sid: str, auth_token: str) -> None:
    errors = {}
    if not ACCOUNT_SID.fullmatch(account_sid):
        errors["twilio_account_sid"] = "An account SID is AC followed by 32 hexadecimal characters."
    if not AUTH_TOKEN.fullmatch(auth_token):
        errors["twilio_auth_token"] = "An auth token is 32 hexadecimal characters."
    if errors:
        raise ValidationError(errors)
    platform_sids = {settings.TWILIO_ACCOUNT_SID, gateway.sandbox_master_credentials()[0]}
    if account_sid in platform_sids:
        raise ValidationError({"twilio_account_sid": "This is the platform's own Twilio account."})


def _validate_key_format(key_sid: str, key_secret: str) -> None:
    errors = {}
    if not API_KEY_SID.fullmatch(key_sid):
        errors["twilio_api_key_sid"] = "An API key SID is SK followed by 32 hexadecimal characters."
    if not API_KEY_SECRET.fullmatch(key_secret):
        errors["twilio_api_key_secret"] = "An API key secret is 32 letters and digits."
    if errors:
        raise ValidationError(errors)


def verify_api_key(tenant: Tenant, account_sid: str, key_sid: str, key_secret: str) -> None:
    """A real call signed with the key: listing the account's numbers (a standard key may
    not read the Accounts resource itself)."""
    client = gateway.api_key_client(account_sid, key_sid, key_secret, sandboxed=tenant.is_demo)
    try:
        gateway.list_numbers(client)
    except (gateway.AuthenticationError, gateway.NotFoundError) as err:
        raise ValidationError({"twilio_api_key_secret": KEY_REFUSED}) from err


def verify_credentials(tenant: Tenant, account_sid: str, auth_token: str) -> gateway.Account:
    """Fetch the account with the tenant's credentials: the real call that proves them.

    Refused credentials, a closed or suspended account, or one of the platform's own
    subaccounts are a ValidationError; an outage stays a gateway error (503 upstream)."""
    client = gateway.account_client(account_sid, auth_token, sandboxed=tenant.is_demo)
    try:
        account = gateway.fetch_account(account_sid, client=client)
    except (gateway.AuthenticationError, gateway.NotFoundError) as err:
        raise ValidationError({"twilio_auth_token": REFUSED}) from err
    if account.status != "active":
        raise ValidationError({"twilio_account_sid": f"This Twilio account is {account.status}."})
    platform_master = gateway.master_account_sid(sandboxed=tenant.is_demo)
    if account.owner_account_sid == platform_master:
        raise ValidationError(
            {
                "twilio_account_sid": "This is one of the platform's subaccounts, not your "
                "own account."
            }
        )
    return account


def twilio_account_connect(
    *,
    tenant: Tenant,
    actor: Actor,
    account_sid: str,
    auth_token: str,
    api_key_sid: str = "",
    api_key_secret: str = "",
) -> TwilioSubaccount:
    """Connect the tenant's own Twilio account, then sync its numbers (after the commit).

    The auth token is always needed: Twilio signs the account's callbacks with it. An API key
    (SID and secret) is optional; given, every REST call signs with it instead, as Twilio
    recommends. A platform subaccount the tenant hasn't used (no number) gives way: it is
    closed at Twilio, or withdrawn if it was only requested. The checks and the closing run
    outside any transaction, so a slow Twilio holds no lock."""
    account_sid, auth_token = account_sid.strip(), auth_token.strip()
    api_key_sid, api_key_secret = api_key_sid.strip(), api_key_secret.strip()
    if tenant.status != Tenant.Status.ACTIVE:
        raise ProvisioningConflict(tenant.inactive_message, code="tenant_inactive")
    _validate_format(account_sid, auth_token)
    if api_key_sid or api_key_secret:
        _validate_key_format(api_key_sid, api_key_secret)
    account = verify_credentials(tenant, account_sid, auth_token)
    if api_key_sid:
        verify_api_key(tenant, account_sid, api_key_sid, api_key_secret)
    _retire_unused_subaccount(tenant, actor)
    with transaction.atomic():
        tenant_lock(tenant.pk)
        _withdraw_open(tenant, actor, account_sid)
        sub = _connected_row(tenant, account_sid)
        sub.friendly_name = (account.friendly_name or account_sid)[:200]
        sub.auth_token = auth_token
        sub.api_key_sid = api_key_sid
        sub.api_key_secret = api_key_secret or None
        if not sub.is_active:
            sub.activated_at = timezone.now()
        sub.status = Status.ACTIVE
        sub.closed_at = None
        sub.last_error_code = None
        sub.last_error_message = ""
        sub.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="twilio_account.connected",
            target=sub,
            changes={"sid": account_sid, "signs_rest_calls_with": api_key_sid or "auth token"},
        )
        enqueue.sync_numbers(sub.pk)
    return sub


def _retire_unused_subaccount(tenant: Tenant, actor: Actor) -> None:
    """Close the platform's subaccount made at sign-up, unless the tenant uses it already."""
    current = open_subaccount(tenant)
    if current is None or current.is_connected or not current.sid:
        return
    if current.status != Status.ACTIVE or active_numbers(tenant).filter(subaccount=current):
        raise ProvisioningConflict(
            "Your platform Twilio subaccount is in use (it holds numbers or is not active); "
            "it can't be replaced by your own account.",
            code="subaccount_exists",
        )
    subaccount_close(subaccount=current, actor=actor, confirmed=True)


def _withdraw_open(tenant: Tenant, actor: Actor, account_sid: str) -> None:
    """Make room for the connected account: refuse if another account is already in use.
    Connecting the same active account again updates its token (changed in Twilio)."""
    current = open_subaccount(tenant)
    if current is None:
        return
    current = _lock(current)
    if current.is_connected and current.sid == account_sid and current.is_active:
        return
    if current.is_connected:
        raise ProvisioningConflict(
            "A Twilio account is already connected; disconnect it first.", code="connected"
        )
    if current.sid or current.status == Status.PROVISIONING:
        raise ProvisioningConflict(
            "Your platform Twilio subaccount is being created; try again in a minute.",
            code="subaccount_busy",
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
        sub = _lock(sub)
        if sub.status == Status.SUSPENDED:
            # Reconnecting would lift the suspension: only staff (or billing) may.
            raise ProvisioningConflict(
                "Your account is suspended; contact support to disconnect it.", code="suspended"
            )
        return forget_connected(sub, actor)
