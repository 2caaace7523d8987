"""Usage Records: what Twilio counted and charged an account, per category and day."""

import datetime as dt
from decimal import Decimal

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import UsageDay

# Twilio's largest page: a day has a record per category (hundreds at Twilio), so a week
# of every category is a few pages rather than dozens.
MAX_PAGE_SIZE = 1000


def _amount(value) -> Decimal:
    """Twilio writes prices as JSON numbers, which the SDK turns into the float's exact
    binary expansion (0.0079 -> 0.00790000000000000077...); read them as written."""
    return Decimal(repr(float(value))) if value else Decimal(0)


def _usage_day(record, category: str = "") -> UsageDay:
    return UsageDay(
        category=record.category or category,
        day=record.start_date,
        count=int(record.count or 0),
        usage=Decimal(str(record.usage or 0)),
        price=_amount(record.price),
        price_unit=(record.price_unit or "usd").upper(),
    )


@translate_errors()
def list_daily_usage(
    client: Client, *, category: str, start_date: dt.date, end_date: dt.date
) -> list[UsageDay]:
    """The client's account's daily usage records of one category over a closed range."""
    records = client.usage.records.daily.list(
        category=category, start_date=start_date, end_date=end_date
    )
    return [_usage_day(record, category) for record in records if record.start_date is not None]


@translate_errors()
def list_usage_days(
    client: Client, *, start_date: dt.date, end_date: dt.date, page_size: int = MAX_PAGE_SIZE
) -> list[UsageDay]:
    """Every category's daily usage records of the client's account over [start_date,
    end_date], all pages read (Twilio lists every category when none is asked for)."""
    records = client.usage.records.daily.list(
        start_date=start_date, end_date=end_date, page_size=page_size
    )
    return [_usage_day(record) for record in records if record.start_date is not None]
