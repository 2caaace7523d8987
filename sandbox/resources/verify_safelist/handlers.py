"""verify.twilio.com/v2/SafeList/Numbers: add, fetch, remove.

What the SafeList exempts is not published beyond its name (wave2-facts §4.2 [U]); the
sandbox lets a safe-listed number through Fraud Guard and geo permissions.
"""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import TwilioError, not_found
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.verify_safelist.models import SafeListNumber
from sandbox.resources.verify_services import rules

BASE = "https://verify.twilio.com/v2/SafeList/Numbers"
ALREADY_SAFE = 60411


def safelist_json(entry: SafeListNumber) -> dict:
    return {
        "sid": entry.sid,
        "phone_number": entry.phone_number,
        "url": f"{BASE}/{entry.phone_number}",
    }


@route("verify", "POST", "/v2/SafeList/Numbers", status=201)
def create_safelist(req: SandboxRequest) -> dict:
    number = (req.get("PhoneNumber") or "").strip()
    if not formats.is_e164(number):
        raise rules.invalid("PhoneNumber", f"{number or 'it'} is not a number in E.164 format")
    if SafeListNumber.objects.filter(account=req.account, phone_number=number).exists():
        raise TwilioError(ALREADY_SAFE, 400, f"{number} is already in the SafeList")
    entry = SafeListNumber.objects.create(
        sid=new_sid("GN"), account=req.account, phone_number=number, date_created=req.now
    )
    return safelist_json(entry)


def _entry(req: SandboxRequest) -> SafeListNumber:
    entry = SafeListNumber.objects.filter(
        account=req.account, phone_number=req.arg("PhoneNumber").strip()
    ).first()
    if entry is None:
        raise not_found(req.path)
    return entry


@route("verify", "GET", "/v2/SafeList/Numbers/{PhoneNumber}")
def fetch_safelist(req: SandboxRequest) -> dict:
    return safelist_json(_entry(req))


@route("verify", "DELETE", "/v2/SafeList/Numbers/{PhoneNumber}")
def delete_safelist(req: SandboxRequest) -> None:
    _entry(req).delete()
