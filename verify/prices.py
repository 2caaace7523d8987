"""What an attempt costs, at Twilio's Verify list prices (USD).

Verify's Verification resource carries no price, so each attempt records the list price of
its channel when it is sent (the `verify-*` usage categories), plus Twilio's fee per
successful verification once approved. The analytics reconcile the sum with the account's
usage records, which are what Twilio actually bills.
"""

from decimal import Decimal

CURRENCY = "USD"
CHANNEL_PRICES = {
    "sms": Decimal("0.0079"),
    "call": Decimal("0.0140"),
    "whatsapp": Decimal("0.0135"),
    "email": Decimal("0"),
}
SUCCESS_FEE = Decimal("0.0500")


def send_price(channel: str) -> Decimal:
    return CHANNEL_PRICES.get(channel, CHANNEL_PRICES["sms"])


def approved_price(channel: str) -> Decimal:
    return send_price(channel) + SUCCESS_FEE


# The usage categories Twilio bills Verify under (the success fee included).
USAGE_CATEGORIES = (
    "verify-sms",
    "verify-voice",
    "verify-whatsapp-conversations-business-initiated",
    "verify-email",
)
