"""Accounts: subaccounts under the master account and each account's auth tokens.

Subaccount operations default to the master client; token operations act for the account
whose client is passed.
"""

from typing import Any

from twilio.rest import Client

from isvplatform.crypto import Secret
from isvplatform.gateway.client import master_client
from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import Account

ACCOUNT_STATUSES = ("active", "suspended", "closed")


def _account(instance: Any) -> Account:
    token = getattr(instance, "auth_token", None)
    return Account(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        status=instance.status or "",
        owner_account_sid=instance.owner_account_sid,
        date_created=instance.date_created,
        auth_token=Secret(token) if token else None,
    )


@translate_errors()
def create_subaccount(friendly_name: str, *, client: Client | None = None) -> Account:
    """Create a subaccount under the master account; the result carries its auth token."""
    client = client or master_client()
    return _account(client.api.v2010.accounts.create(friendly_name=friendly_name))


@translate_errors()
def find_subaccount_by_friendly_name(name: str, *, client: Client | None = None) -> Account | None:
    """The first non-closed subaccount named exactly `name`, so a retried provisioning can
    adopt the account an earlier attempt created instead of creating a second one."""
    client = client or master_client()
    for instance in client.api.v2010.accounts.list(friendly_name=name, page_size=50):
        if instance.friendly_name == name and instance.status != "closed":
            return _account(instance)
    return None


@translate_errors()
def fetch_account(sid: str, *, client: Client | None = None) -> Account:
    client = client or master_client()
    return _account(client.api.v2010.accounts(sid).fetch())


@translate_errors()
def set_account_status(sid: str, status: str, *, client: Client | None = None) -> Account:
    """Suspend, reactivate or close (for good: Twilio refuses to reopen, 21479) a subaccount."""
    if status not in ACCOUNT_STATUSES:
        raise ValueError(f"status must be one of {ACCOUNT_STATUSES}, not {status!r}")
    client = client or master_client()
    return _account(client.api.v2010.accounts(sid).update(status=status))


@translate_errors()
def create_secondary_auth_token(client: Client) -> Secret:
    """A second auth token for the client's own account; both work until one is promoted."""
    token = client.accounts.v1.secondary_auth_token().create().secondary_auth_token
    return Secret(token or "")


@translate_errors()
def promote_secondary_auth_token(client: Client) -> Secret:
    """Make the secondary token primary; the old primary stops working at once."""
    token = client.accounts.v1.auth_token_promotion().update().auth_token
    return Secret(token or "")


@translate_errors()
def delete_secondary_auth_token(client: Client) -> None:
    client.accounts.v1.secondary_auth_token().delete()
