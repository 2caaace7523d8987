"""Money as people read it: an amount always shown with its currency.

Twilio reports prices as negative strings with up to five decimals (`"-0.00790"`, `USD`);
the platform stores the absolute value and its unit. Small per-message amounts keep their
significant decimals (0.0079), everything else shows at least cents.
"""

from decimal import Decimal, InvalidOperation

DEFAULT_CURRENCY = "USD"
_MIN_PLACES = 2
_MAX_PLACES = 5


def format_money(amount: Decimal | str | float | int | None, currency: str = "") -> str:
    """`0.0079, "usd"` -> "0.0079 USD"; `None` -> "" (no price known)."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return ""
    value = value.quantize(Decimal(1).scaleb(-_MAX_PLACES))
    text = f"{value:f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    decimals = decimals.ljust(_MIN_PLACES, "0")
    return f"{whole}.{decimals} {(currency or DEFAULT_CURRENCY).upper()}"
