"""Which Twilio credentials act for a tenant (and how its messages go out, in words), and which
accounts and tokens sign its callbacks."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from isvplatform import gateway
from isvplatform.crypto import Secret
from provisioning.models import TwilioSubaccount
from provisioning.selectors import active_subaccount, open_subaccount
from tenants.models import Tenant


class NoTwilioAccount(Exception):
    """The tenant has no active subaccount and master fallback is off (or it is closed)."""

    def __init__(self, message: str, *, status: str | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class TenantAccount:
    account_sid: str
    via_master: bool
    subaccount: TwilioSubaccount | None
    # A demo tenant's accounts live in the in-process sandbox, whatever TWILIO_MODE says.
    sandboxed: bool = False

    def client(self):
        if self.subaccount is None:
            return gateway.master_client(sandboxed=self.sandboxed)
        return _rest_client(self.subaccount, sandboxed=self.sandboxed)


def master_client_for(tenant: Tenant):
    """The master account acting for `tenant`: the sandbox's for a demo tenant."""
    return gateway.master_client(sandboxed=tenant.is_demo)


def _rest_client(sub: TwilioSubaccount, *, sandboxed: bool):
    """REST calls on a subaccount sign with its API key, as Twilio recommends; with the auth
    token only until it has one (`migrate_subaccount_api_keys`)."""
    if sub.has_api_key:
        return gateway.api_key_client(
            sub.sid, sub.api_key_sid, sub.api_key_secret, sandboxed=sandboxed
        )
    return gateway.account_client(sub.sid, sub.auth_token, sandboxed=sandboxed)


def subaccount_client(subaccount: TwilioSubaccount):
    """A Twilio client acting as the subaccount itself (in the sandbox for a demo tenant)."""
    return _rest_client(subaccount, sandboxed=subaccount.tenant.is_demo)


def subaccount_token_client(subaccount: TwilioSubaccount):
    """The subaccount's auth-token client, for what a standard API key may not do: manage
    its keys and auth tokens."""
    return gateway.account_client(
        subaccount.sid, subaccount.auth_token, sandboxed=subaccount.tenant.is_demo
    )


def tenant_account(tenant: Tenant) -> TenantAccount:
    """The account a tenant's traffic goes through: its subaccount, or the master account
    when `TWILIO_MASTER_FALLBACK` allows and the tenant has none active."""
    if tenant.status != Tenant.Status.ACTIVE:
        raise NoTwilioAccount(tenant.inactive_message, status=tenant.status)
    sub = active_subaccount(tenant)
    if sub is not None:
        return TenantAccount(
            account_sid=sub.sid, via_master=False, subaccount=sub, sandboxed=tenant.is_demo
        )
    current = open_subaccount(tenant)
    if settings.TWILIO_MASTER_FALLBACK and (
        current is None or current.status != TwilioSubaccount.Status.SUSPENDED
    ):
        return TenantAccount(
            account_sid=gateway.master_account_sid(sandboxed=tenant.is_demo),
            via_master=True,
            subaccount=None,
            sandboxed=tenant.is_demo,
        )
    status = current.status if current else "missing"
    if current is not None and current.status == TwilioSubaccount.Status.SUSPENDED:
        reason = current.status_reason.strip().rstrip(".")
        raise NoTwilioAccount(
            f"No active Twilio subaccount: yours is suspended{': ' + reason if reason else ''}.",
            status=status,
        )
    raise NoTwilioAccount(
        f"No active Twilio subaccount (it is {status}); sending is not possible until it is "
        "provisioned.",
        status=status,
    )


@dataclass(frozen=True)
class SendingMode:
    """How the tenant's messages go out right now, in words the portal shows."""

    mode: str  # "subaccount", "master" or "blocked"
    message: str


def sending_mode(tenant: Tenant) -> SendingMode:
    try:
        account = tenant_account(tenant)
    except NoTwilioAccount as err:
        return SendingMode("blocked", str(err))
    if account.via_master:
        return SendingMode(
            "master",
            "Your own Twilio subaccount isn't active yet, so messages go out through the "
            "platform's shared account for now.",
        )
    if account.subaccount is not None and account.subaccount.is_connected:
        return SendingMode("subaccount", "Messages go out through your connected Twilio account.")
    return SendingMode("subaccount", "Messages go out through your own Twilio subaccount.")


def signing_tokens(account_sid: str) -> list[str | Secret]:
    """Auth tokens whose signatures are accepted on callbacks for `account_sid`.

    During a token rotation both the new and the previous token are accepted until the
    previous one's validity ends, so no callback is rejected in the switch. A secondary token
    created but not yet recorded as promoted is accepted too: if the promotion reached Twilio
    and the platform died before saving it, Twilio already signs with that token.
    """
    if account_sid and account_sid == settings.TWILIO_ACCOUNT_SID:
        return [settings.TWILIO_AUTH_TOKEN]
    sandbox_sid, sandbox_token = gateway.sandbox_master_credentials()
    if account_sid and account_sid == sandbox_sid:
        return [sandbox_token]
    sub = TwilioSubaccount.objects.filter(sid=account_sid).first() if account_sid else None
    if sub is None or sub.auth_token is None:
        return []
    tokens: list[str | Secret] = [sub.auth_token]
    if sub.secondary_auth_token is not None:
        tokens.append(sub.secondary_auth_token)
    if (
        sub.previous_auth_token is not None
        and sub.previous_token_valid_until is not None
        and sub.previous_token_valid_until > timezone.now()
    ):
        tokens.append(sub.previous_auth_token)
    return tokens


@dataclass(frozen=True)
class CallbackOwner:
    """The tenant that owns what a Twilio callback names, and the accounts that may sign it.

    `subject` is the object as resolved (a tenant, a bundle ...), so the action acts on
    exactly what was verified instead of looking it up a second time.
    """

    tenant_id: int
    account_sids: frozenset[str]
    subject: Any = None


def account_callback_owner(tenant_id: int, account_sid: str, subject: Any = None) -> CallbackOwner:
    """Owned by one known account (a message records the account that sent it)."""
    return CallbackOwner(tenant_id, frozenset({account_sid}), subject)


def tenant_callback_owner(tenant_id: int, subject: Any = None) -> CallbackOwner:
    """Owned by a tenant: any of its subaccounts (an earlier one's objects still report) or
    the master account, which holds a tenant's numbers and messages in master fallback."""
    sids = TwilioSubaccount.objects.filter(tenant_id=tenant_id, sid__isnull=False).values_list(
        "sid", flat=True
    )
    accounts = {*sids, settings.TWILIO_ACCOUNT_SID} - {"", None}
    return CallbackOwner(tenant_id, frozenset(accounts), subject)
