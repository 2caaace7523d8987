"""Twilio's magic numbers for buying with test credentials: answered, never bought.

With an account's test credentials only these outcomes exist (nothing is charged or
stored); with live credentials these are ordinary numbers and area codes.
"""

from __future__ import annotations

from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.core.sids import new_sid
from sandbox.resources.phone_numbers import inventory
from sandbox.resources.phone_numbers.models import PhoneNumber

AVAILABLE = "+15005550006"
UNAVAILABLE = "+15005550000"
INVALID = "+15005550001"
AVAILABLE_AREA = 500
EMPTY_AREA = 533


def _chosen(req: SandboxRequest) -> str:
    requested = (req.get("PhoneNumber") or "").strip()
    if requested:
        if requested == AVAILABLE:
            return requested
        if requested == INVALID:
            raise TwilioError(21421, 400, f"PhoneNumber {requested} is invalid")
        raise TwilioError(21422, 400, f"PhoneNumber {requested} is not available")
    area = req.get_int("AreaCode")
    if area is None:
        raise TwilioError(21421, 400, "A PhoneNumber or an AreaCode is required")
    if area != AVAILABLE_AREA:
        raise TwilioError(21452, 400, f"No phone numbers found in area code {area}")
    return AVAILABLE


def answer_test_purchase(req: SandboxRequest, kind: str | None) -> PhoneNumber:
    """The number Twilio answers a test-credential purchase with (unsaved)."""
    if kind == "tollfree":
        raise TwilioError(21452, 400, "No toll-free phone numbers found")
    phone_number = _chosen(req)
    voice, sms, mms = inventory.capabilities(phone_number, "local")
    return PhoneNumber(
        sid=new_sid("PN"),
        phone_number=phone_number,
        friendly_name=inventory.friendly_name(phone_number),
        kind="mobile" if kind == "mobile" else "local",
        iso_country="US",
        voice_capable=voice,
        sms_capable=sms,
        mms_capable=mms,
        date_created=req.now,
        date_updated=req.now,
    )
