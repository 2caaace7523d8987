"""api.twilio.com/2010-04-01/Accounts and accounts.twilio.com/v1/AuthTokens."""

from __future__ import annotations

import secrets

from django.db.models import Q

from sandbox.core import formats, hooks
from sandbox.core.auth import account_for_path, refuse_api_keys
from sandbox.core.errors import TwilioError, invalid_param, not_found
from sandbox.core.models import Account
from sandbox.core.paging import v2010_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid

API = "/2010-04-01"
_SUBRESOURCES = {
    "addresses": "Addresses",
    "conferences": "Conferences",
    "signing_keys": "SigningKeys",
    "transcriptions": "Transcriptions",
    "connect_apps": "ConnectApps",
    "sip": "SIP",
    "authorized_connect_apps": "AuthorizedConnectApps",
    "usage": "Usage",
    "keys": "Keys",
    "applications": "Applications",
    "recordings": "Recordings",
    "short_codes": "SMS/ShortCodes",
    "calls": "Calls",
    "notifications": "Notifications",
    "incoming_phone_numbers": "IncomingPhoneNumbers",
    "queues": "Queues",
    "messages": "Messages",
    "outgoing_caller_ids": "OutgoingCallerIds",
    "available_phone_numbers": "AvailablePhoneNumbers",
    "balance": "Balance",
}


def account_json(account: Account) -> dict:
    base = f"{API}/Accounts/{account.sid}"
    return {
        "auth_token": account.auth_token.reveal(),
        "date_created": formats.rfc2822(account.date_created),
        "date_updated": formats.rfc2822(account.date_updated),
        "friendly_name": account.friendly_name,
        "owner_account_sid": account.owner_sid,
        "sid": account.sid,
        "status": account.status,
        "subresource_uris": {k: f"{base}/{v}.json" for k, v in _SUBRESOURCES.items()},
        "type": account.type,
        "uri": f"{base}.json",
    }


def create_subaccount(parent: Account, friendly_name: str | None, now) -> Account:
    if parent.owner_id:
        raise TwilioError(20403, 403, "Subaccounts cannot create subaccounts")
    if not friendly_name:
        friendly_name = "SubAccount Created at " + now.strftime("%Y-%m-%d %I:%M %p").lower()
    return Account.objects.create(
        sid=new_sid("AC"),
        owner=parent,
        friendly_name=friendly_name[:255],
        auth_token=secrets.token_hex(16),
        auth_token_created=now,
        date_created=now,
        date_updated=now,
    )


@route("api", "POST", f"{API}/Accounts.json", status=201)
def create_account(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    return account_json(create_subaccount(req.account, req.get("FriendlyName"), req.now))


@route("api", "GET", f"{API}/Accounts.json")
def list_accounts(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    caller = req.account
    accounts = Account.objects.select_related("owner").filter(Q(pk=caller.pk) | Q(owner=caller))
    if req.q("FriendlyName") is not None:
        accounts = accounts.filter(friendly_name=req.q("FriendlyName"))
    status = req.q("Status")
    if status is not None:
        if status not in Account.Status.values:
            raise invalid_param("Status")
        accounts = accounts.filter(status=status)
    return v2010_page(req, "accounts", accounts.order_by("date_created", "id"), account_json)


@route("api", "GET", f"{API}/Accounts/{{Sid}}.json")
def fetch_account(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    return account_json(account_for_path(req, req.arg("Sid"), account_resource=True))


def set_status(target: Account, status: str, *, by: Account) -> None:
    """Twilio's subaccount status rules: closing is permanent; only the parent decides."""
    if status not in Account.Status.values:
        raise invalid_param("Status", f"Invalid Status: {status}")
    if status == target.status:
        return
    if target == by or not by.is_parent_of(target):
        raise TwilioError(20403, 403, "Only the parent account may change a subaccount's status")
    if target.status == Account.Status.CLOSED:
        raise TwilioError(21479, 400, "Cannot re-activate or suspend a closed subaccount")
    target.status = status
    if status == Account.Status.CLOSED:
        hooks.emit("account_closed", account=target)


@route("api", "POST", f"{API}/Accounts/{{Sid}}.json")
def update_account(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    target = account_for_path(req, req.arg("Sid"), account_resource=True)
    if req.get("Status") is not None:
        set_status(target, req.get("Status"), by=req.account)
    if req.get("FriendlyName") is not None:
        target.friendly_name = req.get("FriendlyName")[:255]
    target.date_updated = req.now
    target.save()
    return account_json(target)


# --- accounts.twilio.com/v1/AuthTokens ---------------------------------------------------
def _token_json(req: SandboxRequest, account: Account, *, secondary: bool) -> dict:
    if secondary:
        return {
            "account_sid": account.sid,
            "date_created": formats.iso8601(account.secondary_auth_token_created),
            "date_updated": formats.iso8601(account.secondary_auth_token_created),
            "secondary_auth_token": account.secondary_auth_token.reveal(),
            "url": "https://accounts.twilio.com/v1/AuthTokens/Secondary",
        }
    return {
        "account_sid": account.sid,
        "auth_token": account.auth_token.reveal(),
        "date_created": formats.iso8601(account.auth_token_created),
        "date_updated": formats.iso8601(account.auth_token_created),
        "url": "https://accounts.twilio.com/v1/AuthTokens/Promote",
    }


@route("accounts", "POST", "/v1/AuthTokens/Secondary", status=201)
def create_secondary_token(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    account = req.account
    account.secondary_auth_token = secrets.token_hex(16)
    account.secondary_auth_token_created = req.now
    account.save(update_fields=["secondary_auth_token", "secondary_auth_token_created"])
    return _token_json(req, account, secondary=True)


@route("accounts", "DELETE", "/v1/AuthTokens/Secondary")
def delete_secondary_token(req: SandboxRequest) -> None:
    refuse_api_keys(req)
    account = req.account
    if not account.secondary_auth_token:
        raise not_found(req.path)
    account.secondary_auth_token = ""
    account.secondary_auth_token_created = None
    account.save(update_fields=["secondary_auth_token", "secondary_auth_token_created"])


@route("accounts", "POST", "/v1/AuthTokens/Promote")
def promote_secondary_token(req: SandboxRequest) -> dict:
    """The secondary token becomes the primary; the old primary stops working at once."""
    refuse_api_keys(req)
    account = req.account
    if not account.secondary_auth_token:
        raise TwilioError(20404, 404, "No secondary auth token to promote")
    account.auth_token = account.secondary_auth_token
    account.auth_token_created = req.now
    account.secondary_auth_token = ""
    account.secondary_auth_token_created = None
    account.date_updated = req.now
    account.save()
    return _token_json(req, account, secondary=False)
