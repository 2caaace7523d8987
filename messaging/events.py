"""What messaging tells tenant webhooks: the JSON of an event, handed to `webhooks.services`."""

from typing import Any

from messaging.models import Message


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "sid": message.sid,
        "direction": message.direction,
        "channel": message.channel,
        "from": message.from_number,
        "to": message.to_number,
        "body": message.body,
        "media_urls": list(message.media_urls or []),
        "num_media": len(message.media_urls or []),
        "content_sid": message.content_sid or None,
        "button_payload": message.button_payload or None,
        "button_text": message.button_text or None,
        "status": message.status,
        "error_code": message.error_code,
        "error_message": message.error_message or None,
        "segments": message.segments,
        "encoding": message.encoding or None,
        "conversation_id": str(message.conversation_id) if message.conversation_id else None,
        "created_at": _iso(message.created_at),
        "sent_at": _iso(message.sent_at),
        "delivered_at": _iso(message.delivered_at),
        "failed_at": _iso(message.failed_at),
        "read_at": _iso(message.read_at),
        "received_at": _iso(message.received_at),
    }


def optout_data(
    *, number: str, channel: str, opted_out: bool, source: str, keyword: str = ""
) -> dict[str, Any]:
    return {
        "number": number,
        "channel": channel,
        "opted_out": opted_out,
        "source": source,
        "keyword": keyword or None,
    }


def emit(tenant_id: int, event_type: str, data: dict[str, Any]) -> int:
    """Queue the event for the tenant's subscribed endpoints; returns how many deliveries."""
    from webhooks.services import emit_event

    return emit_event(tenant_id=tenant_id, event_type=event_type, data=data)


def emit_message_status(message: Message) -> int:
    return emit(message.tenant_id, "message.status", message_data(message))


def emit_message_received(message: Message) -> int:
    data = message_data(message)
    data["num_media"] = message.media.count()
    return emit(message.tenant_id, "message.received", data)


def emit_optout_changed(
    *, tenant_id: int, number: str, channel: str, opted_out: bool, source: str, keyword: str = ""
) -> int:
    data = optout_data(
        number=number, channel=channel, opted_out=opted_out, source=source, keyword=keyword
    )
    return emit(tenant_id, "optout.changed", data)
