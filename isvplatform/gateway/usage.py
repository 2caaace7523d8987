"""Usage Records: what Twilio counted and charged an account, per category and day."""

import datetime as dt
from decimal import Decimal

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import UsageDay


@translate_errors()
def list_daily_usage(
    client: Client, *, category: str, start_date: dt.date, end_date: dt.date
) -> list[UsageDay]:
    """The client's account's daily usage records of one category over a closed range."""
    records = client.usage.records.daily.list(
        category=category, start_date=start_date, end_date=end_date
    )
    return [
        UsageDay(
            category=record.category or category,
            day=record.start_date,
            count=int(record.count or 0),
            usage=Decimal(str(record.usage or 0)),
            price=Decimal(str(record.price or 0)),
            price_unit=(record.price_unit or "usd").upper(),
        )
        for record in records
        if record.start_date is not None
    ]
