"""Handing queued messages to Twilio: the send task's body, and what the beat jobs pick up.

`message_dispatch` locks the row, never sends a message that already has a Twilio SID,
re-checks the opt-out under the lock (a STOP that was recorded first always wins), adopts a
message an earlier attempt left at Twilio, and records Twilio's answer together with the
status callbacks that beat it. `messages_to_sweep` and `stale_message_ids` list what the
outbox sweeper re-enqueues and what the reconciler fetches again.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from isvplatform import gateway
from isvplatform.public import absolute_url
from messaging import enqueue, events
from messaging.models import (
    ERROR_STATUSES,
    FINAL_RANK,
    STATUS_ALIASES,
    STATUS_RANK,
    STATUS_TIMESTAMP,
    Channel,
    Direction,
    Message,
    OptOut,
    Status,
    WebhookEvent,
)
from messaging.services.common import (
    NOT_SENT_OPTED_OUT,
    OPTED_OUT_CODE,
    mark_failed,
    parse_error_code,
    strip_channel,
    twilio_address,
)
from messaging.services.optouts import is_opted_out, optout_add
from provisioning.accounts import NoTwilioAccount, tenant_account
from tenants.services import Actor

# A message whose status never moves (a carrier without delivery reports) is fetched this
# many times, then left as it is.
MAX_RECONCILES = 6


@dataclass(frozen=True)
class DispatchResult:
    outcome: str
    sid: str | None = None


def status_callback_url(message: Message) -> str:
    """Where Twilio posts this message's statuses; `m` lets a callback that beats the stored
    SID (or outlives a crashed worker) find its message."""
    path = getattr(settings, "TWILIO_STATUS_WEBHOOK_PATH", "/webhooks/twilio/status")
    return absolute_url(f"{path}?m={message.pk}")


def _earlier_send(client, message: Message) -> gateway.MessageResult | None:
    """A message Twilio already holds for this row (an earlier attempt that reached Twilio but
    whose answer was lost): same recipient, sender and body, created after the row."""
    candidates = gateway.list_messages(
        client,
        to=twilio_address(message.channel, message.to_number),
        from_=twilio_address(message.channel, message.from_number) or None,
        limit=50,
    )
    known = set(
        Message.objects.filter(sid__in=[c.sid for c in candidates]).values_list("sid", flat=True)
    )
    earliest = message.created_at - timedelta(minutes=2)
    for candidate in candidates:
        if (
            candidate.sid not in known
            and candidate.direction.startswith("outbound")
            and candidate.body == message.body
            and (candidate.date_created is None or candidate.date_created >= earliest)
        ):
            return candidate
    return None


def _store_result(message: Message, result: gateway.MessageResult) -> None:
    now = timezone.now()
    message.sid = result.sid
    message.account_sid = result.account_sid or message.account_sid
    if not message.from_number and result.from_:
        message.from_number = strip_channel(result.from_)[1]
    if result.messaging_service_sid:
        message.messaging_service_sid = result.messaging_service_sid
    if result.num_segments and message.channel == Channel.SMS:
        message.segments = result.num_segments
    if result.price is not None:
        message.price = abs(result.price)
        message.price_unit = result.price_unit or ""
    status = STATUS_ALIASES.get(result.status, result.status)
    rank = STATUS_RANK.get(result.status)
    if rank is not None and rank > message.status_rank:
        message.status, message.status_rank = status, rank
        column = STATUS_TIMESTAMP.get(status)
        if column and getattr(message, column) is None:
            setattr(message, column, now)
    if result.error_code:
        message.error_code = result.error_code
        message.error_message = gateway.describe_error(result.error_code) or (
            result.error_message or ""
        )
    else:
        message.error_message = ""
    message.submitted_at = now
    message.updated_at = now
    message.save()


def apply_pending_events(message: Message) -> None:
    """Apply callbacks that arrived before the send task stored the SID (Twilio can be fast)."""
    best = None
    pending = WebhookEvent.objects.filter(message_sid=message.sid, kind=WebhookEvent.Kind.STATUS)
    if message.account_sid:
        # Only what the message's own account reported: it alone may move the message.
        pending = pending.filter(account_sid=message.account_sid)
    for event in pending:
        rank = STATUS_RANK.get(event.status)
        if rank is not None and rank > message.status_rank and (best is None or rank > best[0]):
            best = (rank, event)
    if best is None:
        return
    event = best[1]
    status = STATUS_ALIASES.get(event.status, event.status)
    message.status, message.status_rank = status, best[0]
    column = STATUS_TIMESTAMP.get(status)
    if column:
        setattr(message, column, event.received_at)
    if status in ERROR_STATUSES:
        message.error_code = parse_error_code(event.payload.get("ErrorCode"))
        message.error_message = gateway.describe_error(message.error_code) or ""
    message.save()
    if best[0] >= FINAL_RANK:
        enqueue.fetch_message_price(str(message.pk))
    events.emit_message_status(message)


def _send(client, message: Message) -> tuple[gateway.MessageResult, bool]:
    """Twilio's answer for the row, and whether it was adopted from an earlier attempt
    rather than sent now. Counts the attempt; raises the gateway's errors."""
    earlier = None
    if message.send_attempts or message.sweeps:
        earlier = _earlier_send(client, message)
    message.send_attempts += 1
    result = earlier or gateway.send_message(
        client,
        to=twilio_address(message.channel, message.to_number),
        from_=twilio_address(message.channel, message.from_number) or None,
        messaging_service_sid=message.messaging_service_sid or None,
        body=message.body or None,
        media_urls=message.media_urls or (),
        status_callback=status_callback_url(message),
        content_sid=message.content_sid or None,
        content_variables=message.content_variables or None,
    )
    return result, earlier is not None


def _refused(message: Message, err: gateway.GatewayError) -> DispatchResult:
    """Twilio refused the send for good; a 21610 means the recipient had opted out there."""
    mark_failed(message, code=err.code, text=err.message)
    if err.code == OPTED_OUT_CODE:
        optout_add(
            tenant=message.tenant,
            number=message.to_number,
            channel=message.channel,
            source=OptOut.Source.TWILIO,
            reason="Twilio refused the send: the recipient opted out (21610).",
            actor=Actor.system(),
        )
    return DispatchResult("failed")


def _dispatch_locked(message: Message) -> DispatchResult:
    """The send of one locked, queued row; raises RetryableGatewayError after recording it."""
    if is_opted_out(message.tenant_id, message.to_number, message.channel):
        mark_failed(message, code=OPTED_OUT_CODE, text=NOT_SENT_OPTED_OUT)
        return DispatchResult("opted_out")
    try:
        client = tenant_account(message.tenant).client()
    except NoTwilioAccount as err:
        mark_failed(message, code=None, text=f"Not sent: {err}")
        return DispatchResult("no_account")
    try:
        result, adopted = _send(client, message)
    except gateway.RetryableGatewayError as err:
        message.error_message = f"Retrying: {err.message}"
        message.updated_at = timezone.now()
        message.save(update_fields=["send_attempts", "error_message", "updated_at"])
        raise
    except gateway.GatewayError as err:
        return _refused(message, err)
    _store_result(message, result)
    apply_pending_events(message)
    return DispatchResult("adopted" if adopted else "sent", message.sid)


def message_dispatch(message_id: str) -> DispatchResult:
    """Hand one queued message to Twilio, exactly once. Raises RetryableGatewayError (after
    recording the attempt) when Twilio or the network failed temporarily."""
    retry_error: gateway.RetryableGatewayError | None = None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("tenant").filter(pk=message_id)
        ).first()
        if message is None:
            return DispatchResult("missing")
        if message.sid or message.status != Status.QUEUED:
            return DispatchResult("already_handled", message.sid)
        try:
            return _dispatch_locked(message)
        except gateway.RetryableGatewayError as err:
            retry_error = err
    raise retry_error


def message_fail_after_retries(message_id: str, error: gateway.GatewayError) -> None:
    """Retries ran out: the message is failed with the last temporary error."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sid or message.status != Status.QUEUED:
            return
        mark_failed(message, code=error.code, text=f"Gave up after retries: {error.message}")


def messages_to_sweep(*, older_than_seconds: int, limit: int = 500) -> list[str]:
    """Queued messages never handed to Twilio for a while (their task was lost): claim them
    for re-enqueueing, skipping any row a send task holds right now."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    horizon = timezone.now() - timedelta(days=2)
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(
                sid__isnull=True,
                created_at__gte=horizon,
                status=Status.QUEUED,
                direction=Direction.OUTBOUND,
                updated_at__lt=cutoff,
            )
            .order_by("created_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(
                sweeps=F("sweeps") + 1, updated_at=timezone.now()
            )
    return [str(pk) for pk in ids]


def stale_message_ids(*, older_than_seconds: int, limit: int = 500) -> list[str]:
    """Messages at Twilio still not final a while after they were sent (a callback got lost,
    or the carrier is slow): to fetch from Twilio. Each is fetched at most MAX_RECONCILES
    times, no more often than every `older_than_seconds`."""
    now = timezone.now()
    stale = now - timedelta(seconds=older_than_seconds)
    return [
        str(pk)
        for pk in Message.objects.filter(
            created_at__gte=now - timedelta(days=1),
            created_at__lt=stale,
            direction=Direction.OUTBOUND,
            sid__isnull=False,
            status_rank__lt=STATUS_RANK[Status.FAILED],
            reconciles__lt=MAX_RECONCILES,
            updated_at__lt=stale,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    ]
