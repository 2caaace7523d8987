"""api.twilio.com/2010-04-01/Accounts/{AccountSid}/Keys: create (the only answer carrying the
secret), list, fetch, rename and delete (revoke) standard API keys.

Managing keys needs the account's auth token (or its parent's): a standard key is refused.
"""

from __future__ import annotations

import secrets
import string

from sandbox.core import formats
from sandbox.core.auth import account_for_path, refuse_api_keys
from sandbox.core.errors import not_found
from sandbox.core.models import ApiKey
from sandbox.core.paging import v2010_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid

API = "/2010-04-01"
_KEYS = f"{API}/Accounts/{{AccountSid}}/Keys"
_ALPHABET = string.ascii_letters + string.digits


def key_json(key: ApiKey) -> dict:
    return {
        "sid": key.sid,
        "friendly_name": key.friendly_name,
        "date_created": formats.rfc2822(key.date_created),
        "date_updated": formats.rfc2822(key.date_updated),
    }


def _key(req: SandboxRequest) -> ApiKey:
    refuse_api_keys(req)
    account = account_for_path(req, req.arg("AccountSid"))
    key = ApiKey.objects.filter(account=account, sid=req.arg("Sid")).first()
    if key is None:
        raise not_found(req.path)
    return key


@route("api", "POST", f"{_KEYS}.json", status=201)
def create_key(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    account = account_for_path(req, req.arg("AccountSid"))
    key = ApiKey.objects.create(
        sid=new_sid("SK"),
        account=account,
        friendly_name=(req.get("FriendlyName") or "")[:64],
        secret="".join(secrets.choice(_ALPHABET) for _ in range(32)),
        date_created=req.now,
        date_updated=req.now,
    )
    return {**key_json(key), "secret": key.secret.reveal()}


@route("api", "GET", f"{_KEYS}.json")
def list_keys(req: SandboxRequest) -> dict:
    refuse_api_keys(req)
    account = account_for_path(req, req.arg("AccountSid"))
    return v2010_page(req, "keys", ApiKey.objects.filter(account=account), key_json)


@route("api", "GET", f"{_KEYS}/{{Sid}}.json")
def fetch_key(req: SandboxRequest) -> dict:
    return key_json(_key(req))


@route("api", "POST", f"{_KEYS}/{{Sid}}.json")
def update_key(req: SandboxRequest) -> dict:
    key = _key(req)
    if req.get("FriendlyName") is not None:
        key.friendly_name = req.get("FriendlyName")[:64]
    key.date_updated = req.now
    key.save(update_fields=["friendly_name", "date_updated"])
    return key_json(key)


@route("api", "DELETE", f"{_KEYS}/{{Sid}}.json")
def delete_key(req: SandboxRequest) -> None:
    """Revokes the key at once: requests signed with it answer 401 / 20003."""
    _key(req).delete()
