"""Read side of messaging: filtered logs with keyset pages, timelines, threads, opt-outs.

Log pages are keyset-paginated on (created_at, id) over the index (tenant, created_at, id):
the 1,000th page costs what the first does, and nothing ever counts the whole log.
"""

import base64
import binascii
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from content.rendering import render
from isvplatform.labels import label_for
from messaging.models import (
    STATUS_ALIASES,
    Channel,
    ConsentEvent,
    Conversation,
    Direction,
    Message,
    OptOut,
    Status,
    WebhookEvent,
)
from tenants.models import Tenant

PAGE_SIZE = 50


@dataclass(frozen=True)
class MessageFilters:
    direction: str = ""
    channel: str = ""
    status: str = ""
    number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return any(
            (self.direction, self.channel, self.status, self.number, self.date_from, self.date_to,
             self.text)
        )  # fmt: skip


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def filter_messages(queryset: QuerySet, filters: MessageFilters) -> QuerySet:
    if filters.direction:
        queryset = queryset.filter(direction=filters.direction)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.number and "@" in filters.number:
        address = filters.number.strip().lower()
        queryset = queryset.filter(
            Q(to_number__icontains=address) | Q(from_number__icontains=address)
        )
    elif filters.number:
        digits = "".join(c for c in filters.number if c.isdigit() or c == "+")
        if digits.startswith("+"):
            queryset = queryset.filter(Q(to_number=digits) | Q(from_number=digits))
        elif digits:
            queryset = queryset.filter(
                Q(to_number__contains=digits) | Q(from_number__contains=digits)
            )
    if filters.date_from:
        queryset = queryset.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        queryset = queryset.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    if filters.text:
        queryset = queryset.filter(
            Q(body__icontains=filters.text) | Q(subject__icontains=filters.text)
        )
    return queryset


def tenant_messages(tenant: Tenant | int, filters: MessageFilters | None = None) -> QuerySet:
    queryset = Message.objects.for_tenant(tenant)
    return filter_messages(queryset, filters) if filters else queryset


def email_timeline(message: Message) -> list:
    """An email's tracking events from the ESP (the emails app's EmailEvent rows), oldest
    first, each with its human `label`; none for other channels."""
    if message.channel != Channel.EMAIL:
        return []
    events = list(message.email_events.filter(tenant_id=message.tenant_id))
    for event in events:
        event.label = label_for(event.event_type, "email_event_type")
    return events


# --- keyset pages -----------------------------------------------------------------------


def encode_cursor(created_at: datetime, pk: Any) -> str:
    raw = f"{created_at.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        moment = parse_datetime(created)
        return (moment, uuid.UUID(pk)) if moment else None
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None
    has_previous: bool = False
    extra: dict = field(default_factory=dict)


def keyset_page(queryset: QuerySet, cursor: str | None, size: int = PAGE_SIZE) -> KeysetPage:
    """Newest first; `cursor` is the position after which the page starts."""
    position = decode_cursor(cursor) if cursor else None
    ordered = queryset.order_by("-created_at", "-id")
    if position is not None:
        created_at, pk = position
        # `created_at <= t` bounds the index scan; the OR only sorts out rows of the same instant.
        ordered = ordered.filter(
            Q(created_at__lt=created_at) | Q(id__lt=pk), created_at__lte=created_at
        )
    rows = list(ordered[: size + 1])
    items = rows[:size]
    next_cursor = None
    if len(rows) > size and items:
        last = items[-1]
        # A `.values()` queryset gives dicts (the log pages read only the columns shown).
        if isinstance(last, dict):
            next_cursor = encode_cursor(last["created_at"], last["id"])
        else:
            next_cursor = encode_cursor(last.created_at, last.pk)
    return KeysetPage(items=items, next_cursor=next_cursor, has_previous=position is not None)


def iterate_messages(queryset: QuerySet, chunk: int = 2000) -> Iterator[Message]:
    """Every message of the queryset newest first, fetched in keyset chunks (for exports)."""
    cursor = None
    queryset = queryset.select_related("template")
    while True:
        page = keyset_page(queryset, cursor, chunk)
        yield from page.items
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


# --- one message ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status: str
    label: str
    detail: str = ""
    source: str = ""


_LABELS = {
    "queued": "Queued",
    "accepted": "Accepted by Twilio",
    "scheduled": "Scheduled",
    "sending": "Sending",
    "sent": "Sent to the carrier",
    "delivered": "Delivered to the handset",
    "undelivered": "Not delivered",
    "failed": "Failed",
    "read": "Read",
    "received": "Received",
    "canceled": "Canceled",
}


def message_events(message: Message) -> list[WebhookEvent]:
    if not message.sid:
        return []
    return list(WebhookEvent.objects.filter(message_sid=message.sid).order_by("received_at", "id"))


def message_timeline(message: Message, raw_events: list[WebhookEvent]) -> list[TimelineEntry]:
    """What happened to a message, oldest first: platform steps and every status Twilio sent."""
    entries: list[TimelineEntry] = []
    if message.direction == Direction.OUTBOUND:
        who = f" by {message.actor_label}" if message.actor_label else ""
        entries.append(TimelineEntry(message.created_at, "queued", "Queued" + who, "", "platform"))
        if message.submitted_at:
            entries.append(
                TimelineEntry(
                    message.submitted_at, "accepted", "Handed to Twilio", message.sid or "", "api"
                )
            )
    seen = set()
    for event in raw_events:
        status = STATUS_ALIASES.get(event.status, event.status)
        code = event.payload.get("ErrorCode") if isinstance(event.payload, dict) else None
        detail = f"error {code}" if code else ""
        entries.append(
            TimelineEntry(
                event.received_at,
                status,
                _LABELS.get(event.status, event.status),
                detail,
                event.kind,
            )
        )
        seen.add(status)
    for column, status in (
        ("sent_at", "sent"),
        ("delivered_at", "delivered"),
        ("read_at", "read"),
        ("received_at", "received"),
    ):
        moment = getattr(message, column)
        if moment and status not in seen:
            entries.append(TimelineEntry(moment, status, _LABELS[status], "", "platform"))
    if message.failed_at and not seen & {"failed", "undelivered", "canceled"}:
        entries.append(
            TimelineEntry(
                message.failed_at,
                message.status,
                _LABELS.get(message.status, "Failed"),
                message.error_message,
                "platform",
            )
        )
    return sorted(entries, key=lambda e: e.at)


# --- conversations ----------------------------------------------------------------------


def tenant_conversations(tenant: Tenant | int, q: str = "", channel: str = "") -> QuerySet:
    queryset = (
        Conversation.objects.for_tenant(tenant)
        .select_related("last_message")
        .order_by("-last_message_at", "-id")
    )
    if channel in Channel.values:
        queryset = queryset.filter(channel=channel)
    if q:
        queryset = queryset.filter(Q(contact_number__contains=q) | Q(contact_name__icontains=q))
    return queryset


def thread_messages(conversation: Conversation, limit: int = 200) -> list[Message]:
    """The last `limit` messages of a thread, oldest first, templates shown as sent."""
    newest = list(
        Message.objects.for_tenant(conversation.tenant_id)
        .filter(conversation=conversation)
        .select_related("template")
        .prefetch_related("media")
        .order_by("-created_at", "-id")[:limit]
    )
    return with_template_text(list(reversed(newest)))


def with_template_text(messages: list[Message]) -> list[Message]:
    """Give each template send `template_text`: the template with the values it was sent with
    (an approved version never changes, so this is what the contact read)."""
    for message in messages:
        template = message.template if message.template_id else None
        message.template_text = render(template, message.content_variables) if template else ""
    return messages


def unread_total(tenant: Tenant | int) -> int:
    from django.db.models import Sum

    total = Conversation.objects.for_tenant(tenant).aggregate(total=Sum("unread_count"))["total"]
    return total or 0


# --- opt-outs ---------------------------------------------------------------------------


def tenant_optouts(tenant: Tenant | int, q: str = "", channel: str = "") -> QuerySet:
    return filter_optouts(OptOut.objects.for_tenant(tenant), q, channel)


def filter_optouts(queryset: QuerySet, q: str = "", channel: str = "") -> QuerySet:
    queryset = queryset.order_by("-created_at", "-id")
    if channel in Channel.values:
        queryset = queryset.filter(channel=channel)
    if q and ("@" in q or any(c.isalpha() for c in q)):
        queryset = queryset.filter(Q(number__icontains=q.strip().lower()) | Q(reason__icontains=q))
    elif q:
        digits = "".join(c for c in q if c.isdigit())
        queryset = queryset.filter(Q(number__contains=digits) if digits else Q(reason__icontains=q))
    return queryset


def consent_history(tenant: Tenant | int, number: str = "") -> QuerySet:
    return filter_consent(ConsentEvent.objects.for_tenant(tenant), number)


def filter_consent(queryset: QuerySet, number: str = "") -> QuerySet:
    queryset = queryset.order_by("-created_at", "-id")
    return queryset.filter(number=number) if number else queryset


# --- dashboard --------------------------------------------------------------------------

# Outcomes that count for the delivery rate: messages still on their way are left out.
DELIVERED_STATUSES = (Status.DELIVERED, Status.READ)
UNDELIVERED_STATUSES = (Status.UNDELIVERED, Status.FAILED)


@dataclass(frozen=True)
class DayVolume:
    day: date
    outbound: int
    inbound: int

    @property
    def total(self) -> int:
        return self.outbound + self.inbound


@dataclass(frozen=True)
class Spend:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class DashboardFigures:
    """A tenant's messaging over the last `days` days, for the dashboard."""

    days: int
    volume: list[DayVolume]  # one entry per day, oldest first, quiet days included
    outbound: int
    inbound: int
    delivered: int
    undelivered: int
    spend: list[Spend]  # per currency, as Twilio priced the messages

    @property
    def delivery_rate(self) -> float | None:
        """Delivered share of the outbound messages whose outcome is known."""
        known = self.delivered + self.undelivered
        return round(100 * self.delivered / known, 1) if known else None

    @property
    def peak(self) -> int:
        return max((d.total for d in self.volume), default=0)


def dashboard_figures(tenant: Tenant | int, days: int = 30) -> DashboardFigures:
    """Volume per day, delivery rate and spend of the last `days` days (today included)."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    messages = Message.objects.for_tenant(tenant).filter(created_at__gte=_day_start(first))
    per_day = {
        row["day"]: row
        for row in messages.annotate(
            day=TruncDate("created_at", tzinfo=timezone.get_current_timezone())
        )
        .values("day")
        .annotate(
            outbound=Count("pk", filter=Q(direction=Direction.OUTBOUND)),
            inbound=Count("pk", filter=Q(direction=Direction.INBOUND)),
        )
    }
    volume = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = per_day.get(day, {})
        volume.append(DayVolume(day, row.get("outbound", 0), row.get("inbound", 0)))
    outcomes = messages.filter(direction=Direction.OUTBOUND).aggregate(
        delivered=Count("pk", filter=Q(status__in=DELIVERED_STATUSES)),
        undelivered=Count("pk", filter=Q(status__in=UNDELIVERED_STATUSES)),
    )
    spend: dict[str, Decimal] = {}
    priced = messages.filter(price__isnull=False).values("price_unit").annotate(amount=Sum("price"))
    for row in priced.order_by("price_unit"):
        currency = (row["price_unit"] or "USD").upper()
        spend[currency] = spend.get(currency, Decimal(0)) + row["amount"]
    return DashboardFigures(
        days=days,
        volume=volume,
        outbound=sum(d.outbound for d in volume),
        inbound=sum(d.inbound for d in volume),
        delivered=outcomes["delivered"],
        undelivered=outcomes["undelivered"],
        spend=[Spend(amount, currency) for currency, amount in sorted(spend.items())],
    )
