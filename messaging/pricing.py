"""Price estimates shown before sending; Twilio's own price replaces them once known.

List prices in USD (Twilio's public US price list, 2025); other countries use a conservative
flat rate. The estimate is for people deciding whether to shorten a message, not for billing.
"""

from decimal import Decimal
from functools import lru_cache

import phonenumbers

SMS_PER_SEGMENT = {
    "US": Decimal("0.0083"),
    "CA": Decimal("0.0083"),
    "GB": Decimal("0.0524"),
}
SMS_PER_SEGMENT_DEFAULT = Decimal("0.0600")
MMS_PER_MESSAGE = {"US": Decimal("0.0220"), "CA": Decimal("0.0220")}
MMS_PER_MESSAGE_DEFAULT = Decimal("0.0600")
WHATSAPP_SESSION_MESSAGE = Decimal("0.0050")
# Twilio's fee plus Meta's fee for a business-initiated (template) message in the US.
WHATSAPP_TEMPLATE_MESSAGE = Decimal("0.0300")


@lru_cache(maxsize=4096)
def _country(number: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number, None)) or ""
    except phonenumbers.NumberParseException:
        return ""


def estimate_price(
    *, channel: str, to: str, segments: int, has_media: bool, is_template: bool
) -> Decimal:
    """Estimated cost of one message in USD; nothing to send (no text, media or template) is
    free, not one segment's price."""
    if segments <= 0 and not has_media and not is_template:
        return Decimal("0.0000")
    if channel == "whatsapp":
        return WHATSAPP_TEMPLATE_MESSAGE if is_template else WHATSAPP_SESSION_MESSAGE
    country = _country(to)
    if has_media:
        return MMS_PER_MESSAGE.get(country, MMS_PER_MESSAGE_DEFAULT)
    rate = SMS_PER_SEGMENT.get(country, SMS_PER_SEGMENT_DEFAULT)
    return rate * segments
