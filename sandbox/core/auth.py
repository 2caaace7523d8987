"""HTTP Basic auth with account SID + auth token or API key SID + secret, and who may act on
which account."""

from __future__ import annotations

import copy
import hmac

from django.conf import settings
from django.db import transaction

from sandbox.core import cache
from sandbox.core.errors import TwilioError, not_found
from sandbox.core.models import Account, ApiKey
from sandbox.core.request import SandboxRequest
from sandbox.core.sids import new_sid

_AUTH_HEADERS = {"WWW-Authenticate": 'Basic realm="Twilio API"'}


def _auth_failed(message: str = "Authenticate") -> TwilioError:
    return TwilioError(20003, 401, message, headers=_AUTH_HEADERS)


def master_credentials() -> tuple[str, str]:
    """The sandbox's master: SANDBOX_ACCOUNT_SID / SANDBOX_AUTH_TOKEN when set (live mode,
    where the sandbox serves only demo tenants), else TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN."""
    sid = getattr(settings, "SANDBOX_ACCOUNT_SID", "") or settings.TWILIO_ACCOUNT_SID
    token = getattr(settings, "SANDBOX_AUTH_TOKEN", "") or settings.TWILIO_AUTH_TOKEN
    return sid, token


def ensure_master_account(now=None) -> Account:
    """The sandbox's master account (`master_credentials`), created on first use."""
    from sandbox.core.state import load_state

    sid, token = master_credentials()
    master = Account.objects.filter(sid=sid).first()
    if master is not None:
        return master
    now = now or load_state().now
    master, _ = Account.objects.get_or_create(
        sid=sid,
        defaults={
            "friendly_name": "Sandbox master account",
            "auth_token": token,
            "auth_token_created": now,
            "date_created": now,
            "date_updated": now,
        },
    )
    return master


def _same(given: str, secret) -> bool:
    """Constant-time comparison with a stored (decrypted) token; no token matches nothing."""
    return bool(secret) and hmac.compare_digest(given.encode(), secret.reveal().encode())


def tokens_match(given: str, account: Account) -> bool:
    """True when `given` is the account's primary or secondary auth token."""
    return _same(given, account.auth_token) | _same(given, account.secondary_auth_token)


def test_credentials(account: Account) -> tuple[str, str]:
    """The account's test SID and token (Twilio shows them in the Console), made on first
    use: they reach only the operations Twilio serves to test credentials."""
    with transaction.atomic():
        row = Account.objects.select_for_update().get(pk=account.pk)
        if not row.test_sid:
            row.test_sid = new_sid("AC")
            row.test_auth_token = new_sid("AC")[2:]
            row.save(update_fields=["test_sid", "test_auth_token"])
    return row.test_sid, row.test_auth_token.reveal()


def _load_account(sid: str) -> tuple[Account | None, bool]:
    """(account, signed with its test credentials) for the SID a caller gives."""
    accounts = Account.objects.select_related("owner")
    account = accounts.filter(sid=sid).first()
    if account is not None:
        return account, False
    return accounts.filter(test_sid=sid).first(), True


def _load_key(sid: str) -> ApiKey | None:
    return ApiKey.objects.select_related("account", "account__owner").filter(sid=sid).first()


def _key_account(req: SandboxRequest, key_sid: str, secret: str) -> Account:
    """The account of the API key `key_sid` if `secret` is its secret; a deleted (revoked)
    key authenticates nothing."""
    key = cache.get(req.state, ("api_key", key_sid), lambda: _load_key(key_sid))
    if key is None or not _same(secret, key.secret):
        raise _auth_failed()
    return copy.copy(key.account)


def authenticate(req: SandboxRequest) -> Account:
    """The account whose credentials signed the request; raises 20003 / 10001. Test
    credentials authenticate their account with `req.test_credentials` set."""
    if not req.credentials:
        raise _auth_failed("Authentication Error - No credentials provided")
    sid, token = req.credentials
    test = False
    if sid.startswith("SK"):
        account = _key_account(req, sid, token or "")
        req.api_key_sid = sid
    else:
        account, test = cache.get(req.state, ("account", sid), lambda: _load_account(sid))
        if account is None and sid == master_credentials()[0]:
            account, test = ensure_master_account(req.now), False
        if account is not None:
            account = copy.copy(account)
        secret_ok = account is not None and (
            _same(token or "", account.test_auth_token)
            if test
            else tokens_match(token or "", account)
        )
        if not secret_ok:
            raise _auth_failed()
    if account.status == Account.Status.CLOSED:
        raise _auth_failed("Authentication Error - Account is closed")
    if account.status == Account.Status.SUSPENDED or (
        account.owner_id and account.owner.status != Account.Status.ACTIVE
    ):
        raise TwilioError(10001, 401, "Account is not active")
    req.test_credentials = test
    return account


def refuse_api_keys(req: SandboxRequest) -> None:
    """Standard API keys can't manage accounts, subaccounts, auth tokens or keys: those need
    the account's own auth token."""
    if req.api_key_sid:
        raise _auth_failed("Authenticate: a standard API key may not use this resource")


def account_for_path(req: SandboxRequest, sid: str, *, account_resource: bool = False) -> Account:
    """The account a v2010 path names, if the caller may act on it.

    A parent acts on its subaccounts; a subaccount only on itself; test credentials only on
    their own test SID (the path Twilio's SDK builds from them). Other accounts are
    answered 20404, as Twilio does. Only the Account resource itself stays reachable
    once a subaccount is suspended or closed.
    """
    caller = req.account
    if req.test_credentials:
        if sid != caller.test_sid:
            raise not_found(req.path)
        return caller
    if sid == caller.sid:
        return caller
    target = Account.objects.filter(sid=sid, owner=caller).first()
    if target is None:
        raise not_found(req.path)
    if not account_resource:
        if target.status == Account.Status.CLOSED:
            raise not_found(req.path)
        if target.status == Account.Status.SUSPENDED:
            raise TwilioError(10001, 401, "Account is not active")
    return target
