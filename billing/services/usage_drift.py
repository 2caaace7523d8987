"""What the platform's own per-message prices add up to, beside Twilio's usage records.

The platform stores Twilio's price of each outbound message (`Message.price`, fetched once
the message is final), so for the messaging categories it prices the two figures can be
compared day by day. A message counts on the UTC day Twilio sent it (`sent_at`, else
`created_at` for one whose 'sent' status was never seen), in its account's records:
- WhatsApp -> `channels-whatsapp-outbound`;
- SMS with media (`media_urls` not empty) -> `mms-outbound`, as Twilio bills it;
- other SMS -> `sms-outbound`.
Messages not yet priced are left out: Twilio has usually billed them already, so today's
figures may differ briefly; the thresholds keep that from being flagged.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, CharField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from messaging.models import Channel, Direction, Message
from tenants.models import Tenant

SMS_OUTBOUND = "sms-outbound"
MMS_OUTBOUND = "mms-outbound"
WHATSAPP_OUTBOUND = "channels-whatsapp-outbound"
MESSAGE_CATEGORIES = (SMS_OUTBOUND, MMS_OUTBOUND, WHATSAPP_OUTBOUND)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    return first, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def platform_prices(
    tenant: Tenant, account_sids: list[str], start: dt.date, end: dt.date
) -> dict[tuple[str, str, dt.date], Decimal]:
    """(account_sid, category, day) -> the sum of the tenant's stored message prices,
    in one GROUP BY over [start, end]."""
    first, after = _bounds(start, end)
    category = Case(
        When(channel=Channel.WHATSAPP, then=Value(WHATSAPP_OUTBOUND)),
        When(~Q(media_urls=[]), then=Value(MMS_OUTBOUND)),
        default=Value(SMS_OUTBOUND),
        output_field=CharField(),
    )
    rows = (
        Message.objects.for_tenant(tenant)
        .filter(
            Q(sent_at__gte=first, sent_at__lt=after)
            | Q(sent_at__isnull=True, created_at__gte=first, created_at__lt=after),
            direction=Direction.OUTBOUND,
            channel__in=(Channel.SMS, Channel.WHATSAPP),
            account_sid__in=account_sids,
            price__isnull=False,
        )
        .annotate(
            usage_day=TruncDate(Coalesce("sent_at", "created_at"), tzinfo=dt.UTC),
            usage_category=category,
        )
        .values("account_sid", "usage_category", "usage_day")
        .annotate(total=Sum("price"))
        .order_by()
    )
    return {
        (row["account_sid"], row["usage_category"], row["usage_day"]): row["total"] for row in rows
    }


def drift_of(price: Decimal, platform_price: Decimal | None) -> tuple[Decimal | None, bool]:
    """Twilio's price minus the platform's, and whether it is big enough to flag: beyond
    `BILLING_DRIFT_PERCENT` of Twilio's price and beyond `BILLING_DRIFT_MIN_AMOUNT`."""
    if platform_price is None:
        return None, False
    drift = price - platform_price
    share = abs(price) * Decimal(str(settings.BILLING_DRIFT_PERCENT)) / 100
    flagged = abs(drift) > share and abs(drift) > Decimal(str(settings.BILLING_DRIFT_MIN_AMOUNT))
    return drift, flagged
