"""Messages: sending, fetching and finding messages, and an inbound message's media."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from twilio.rest import Client

from isvplatform.gateway.errors import translate_errors
from isvplatform.gateway.results import MediaItem, MessageResult


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _message(instance: Any) -> MessageResult:
    return MessageResult(
        sid=instance.sid,
        account_sid=instance.account_sid,
        status=instance.status or "",
        to=instance.to or "",
        from_=instance.from_,
        messaging_service_sid=instance.messaging_service_sid,
        body=instance.body or "",
        direction=instance.direction or "",
        num_segments=_int(instance.num_segments),
        num_media=_int(instance.num_media),
        error_code=instance.error_code,
        error_message=instance.error_message,
        price=_decimal(instance.price),
        price_unit=instance.price_unit,
        date_created=instance.date_created,
        date_sent=instance.date_sent,
        date_updated=instance.date_updated,
    )


@translate_errors()
def send_message(
    client: Client,
    to: str,
    from_: str | None = None,
    messaging_service_sid: str | None = None,
    body: str | None = None,
    media_urls: Sequence[str] = (),
    status_callback: str | None = None,
    content_sid: str | None = None,
    content_variables: Mapping[str, str] | None = None,
) -> MessageResult:
    """Create an outbound message (SMS/MMS, or WhatsApp with `whatsapp:` addresses)."""
    return _message(
        client.messages.create(
            to=to,
            from_=from_,
            messaging_service_sid=messaging_service_sid,
            body=body,
            media_url=list(media_urls) or None,
            status_callback=status_callback,
            content_sid=content_sid,
            content_variables=json.dumps(dict(content_variables)) if content_variables else None,
        )
    )


@translate_errors()
def fetch_message(client: Client, sid: str) -> MessageResult:
    return _message(client.messages(sid).fetch())


@translate_errors()
def list_messages(
    client: Client, *, to: str | None = None, from_: str | None = None, limit: int = 50
) -> list[MessageResult]:
    """The account's most recent messages to/from an address (newest first), e.g. to find a
    message an earlier send attempt created before its answer was lost."""
    found = client.messages.list(to=to, from_=from_, limit=limit, page_size=min(limit, 100))
    return [_message(instance) for instance in found]


@dataclass(frozen=True)
class RecentMessages:
    """Messages created since a moment, newest first; `complete` is False when the listing
    stopped after scanning `max_items` before reaching that moment (so it may miss some)."""

    messages: list[MessageResult]
    complete: bool


@translate_errors()
def messages_created_since(
    client: Client,
    *,
    to: str,
    since: datetime,
    from_: str | None = None,
    max_items: int = 1000,
) -> RecentMessages:
    """Every message to `to` (and from `from_`) created at or after `since`, paging as far as
    needed. Filtered on creation, not on `DateSent`: a message Twilio accepted but still
    queues has no send date yet, and a `DateSent` filter would hide it.

    The listing stops at the first message both created and sent before `since`: whether
    Twilio orders the list by creation or by send date (newest first), every later one is
    older still."""
    found: list[MessageResult] = []
    stream = client.messages.stream(to=to, from_=from_, page_size=100)
    for scanned, instance in enumerate(stream):
        created, sent = instance.date_created, instance.date_sent
        if created is not None and sent is not None and created < since and sent < since:
            return RecentMessages(found, complete=True)
        if scanned >= max_items:
            return RecentMessages(found, complete=False)
        if created is None or created >= since:
            found.append(_message(instance))
    return RecentMessages(found, complete=True)


@translate_errors()
def list_message_media(client: Client, message_sid: str) -> list[MediaItem]:
    """Every media item of a message (an inbound MMS or WhatsApp message may carry ten)."""
    found = client.messages(message_sid).media.list(page_size=20)
    items = []
    for instance in found:
        uri = (instance.uri or "").removesuffix(".json")
        items.append(
            MediaItem(
                sid=instance.sid,
                message_sid=message_sid,
                content_type=instance.content_type or "",
                url=f"https://api.twilio.com{uri}" if uri.startswith("/") else uri,
                date_created=instance.date_created,
            )
        )
    return items
