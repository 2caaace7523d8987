"""`twilio.rest.Client` factories: the master account or one tenant's subaccount.

`TWILIO_MODE` picks where requests go: "sandbox" (the default) sends them to the sandbox app,
in this process unless `TWILIO_SANDBOX_URL` names a sandbox server; "live" sends them to Twilio.
A `sandboxed` client (a demo tenant's, whatever the mode) always talks to the in-process
sandbox, as the sandbox's master account (`sandbox_master_credentials`), so sales demos cost
nothing and reach no real phone. Settings are read on every call so tests (and a settings
change) take effect at once.
"""

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.http import HttpClient
from twilio.rest import Client

from isvplatform.crypto import Secret
from isvplatform.gateway.http import (
    QuietTwilioHttpClient,
    RetryingHttpClient,
    SandboxHttpClient,
    SandboxOverHttpClient,
)

MODE_SANDBOX = "sandbox"
MODE_LIVE = "live"


@lru_cache(maxsize=8)
def _transport(mode: str, sandbox_url: str, timeout: float) -> HttpClient:
    # One transport per configuration, shared by every Client, so requests reuse pooled
    # connections instead of opening a TLS session per tenant call.
    if mode == MODE_LIVE:
        return QuietTwilioHttpClient(timeout=timeout)
    if sandbox_url:
        return SandboxOverHttpClient(sandbox_url, timeout=timeout)
    return SandboxHttpClient(timeout=timeout)


def http_client(*, sandboxed: bool = False) -> RetryingHttpClient:
    """The retrying HTTP client for the configured mode (the in-process sandbox when
    `sandboxed`); every gateway Client uses one."""
    mode = (getattr(settings, "TWILIO_MODE", MODE_SANDBOX) or MODE_SANDBOX).lower()
    if mode not in (MODE_SANDBOX, MODE_LIVE):
        raise ImproperlyConfigured(f"TWILIO_MODE must be 'sandbox' or 'live', not {mode!r}")
    sandbox_url = (getattr(settings, "TWILIO_SANDBOX_URL", "") or "").rstrip("/")
    if sandboxed:
        mode, sandbox_url = MODE_SANDBOX, ""
    transport = _transport(mode, sandbox_url, float(settings.TWILIO_TIMEOUT))
    return RetryingHttpClient(
        transport,
        max_retries=int(settings.TWILIO_MAX_RETRIES),
        base_delay=float(settings.TWILIO_RETRY_BASE_DELAY),
        retry_ambiguous_posts=bool(settings.TWILIO_RETRY_AMBIGUOUS_POSTS),
    )


def _reveal(token: str | Secret) -> str:
    return token.reveal() if isinstance(token, Secret) else token


def account_client(
    account_sid: str, auth_token: str | Secret, *, sandboxed: bool = False
) -> Client:
    """A Client acting as `account_sid` (a tenant's subaccount); the token is revealed only here."""
    token = _reveal(auth_token)
    if not account_sid or not token:
        raise ImproperlyConfigured("a Twilio client needs an account SID and an auth token")
    return Client(account_sid, token, http_client=http_client(sandboxed=sandboxed))


def api_key_client(
    account_sid: str, key_sid: str, key_secret: str | Secret, *, sandboxed: bool = False
) -> Client:
    """A Client acting as `account_sid` with one of its API keys (SID + secret as Basic
    auth); the secret is revealed only here."""
    secret = _reveal(key_secret)
    if not account_sid or not key_sid or not secret:
        raise ImproperlyConfigured("an API key client needs an account SID, a key SID and a secret")
    return Client(key_sid, secret, account_sid, http_client=http_client(sandboxed=sandboxed))


def sandbox_master_credentials() -> tuple[str, str]:
    """The sandbox's master account: `SANDBOX_ACCOUNT_SID` / `SANDBOX_AUTH_TOKEN` when set
    (always in live mode, so the real master token never reaches the sandbox), else the
    configured master (sandbox mode, where the two are one)."""
    sid = getattr(settings, "SANDBOX_ACCOUNT_SID", "") or settings.TWILIO_ACCOUNT_SID
    token = getattr(settings, "SANDBOX_AUTH_TOKEN", "") or settings.TWILIO_AUTH_TOKEN
    return sid, token


def master_account_sid(*, sandboxed: bool = False) -> str:
    return sandbox_master_credentials()[0] if sandboxed else settings.TWILIO_ACCOUNT_SID


def master_client(*, sandboxed: bool = False) -> Client:
    """A Client acting as the vendor's master account (creates and manages subaccounts);
    the sandbox's master when `sandboxed`."""
    if sandboxed:
        sid, token = sandbox_master_credentials()
    else:
        sid = getattr(settings, "TWILIO_ACCOUNT_SID", None)
        token = getattr(settings, "TWILIO_AUTH_TOKEN", None)
    if not sid or not token:
        raise ImproperlyConfigured("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN must be set")
    return account_client(sid, token, sandboxed=sandboxed)
