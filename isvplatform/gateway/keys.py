"""API keys: standard keys (`SK…`) that authenticate an account's REST calls.

Twilio answers a key's secret once, on creation; lists and fetches never carry it. Managing
keys needs the account's auth token (or its parent's): a standard key can't manage keys.
"""

from typing import Any

from twilio.rest import Client

from isvplatform.crypto import Secret
from isvplatform.gateway.errors import NotFoundError, translate_errors
from isvplatform.gateway.results import ApiKey


def _key(instance: Any) -> ApiKey:
    secret = getattr(instance, "secret", None)
    return ApiKey(
        sid=instance.sid,
        friendly_name=instance.friendly_name or "",
        date_created=instance.date_created,
        secret=Secret(secret) if secret else None,
    )


@translate_errors()
def create_api_key(client: Client, account_sid: str, friendly_name: str) -> ApiKey:
    """A new standard key in `account_sid`; the result is the only time its secret is seen."""
    account = client.api.v2010.accounts(account_sid)
    return _key(account.new_keys.create(friendly_name=friendly_name))


@translate_errors()
def list_api_keys(client: Client, account_sid: str) -> list[ApiKey]:
    """Every key of `account_sid` (without secrets)."""
    return [_key(k) for k in client.api.v2010.accounts(account_sid).keys.list(page_size=100)]


def delete_api_key(client: Client, account_sid: str, key_sid: str) -> bool:
    """Revoke a key at once; False when it was already gone, so a retried delete succeeds."""
    try:
        with translate_errors():
            client.api.v2010.accounts(account_sid).keys(key_sid).delete()
    except NotFoundError:
        return False
    return True
