"""Handing queued messages to Twilio: the send task's body, and what the beat jobs pick up.

`message_dispatch` claims the row (a committed token and lease, no row lock during the call),
never sends a message that already has a Twilio SID, re-checks the opt-out after the claim
(a STOP that was recorded first always wins), settles an earlier attempt that may have
reached Twilio before sending again (see `doubt`), and records Twilio's answer together with
the status callbacks that beat it. `messages_to_sweep`, `stale_message_ids` and
`unknown_message_ids` list what the outbox sweeper re-enqueues and what the reconciler
fetches or settles.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from isvplatform import claims, gateway, metrics
from isvplatform.public import absolute_url
from messaging import enqueue, events, pacing, transports
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
from messaging.services import doubt
from messaging.services.common import (
    NOT_SENT_OPTED_OUT,
    OPTED_OUT_CODE,
    mark_failed,
    mark_unknown,
    parse_error_code,
    strip_channel,
    twilio_address,
)
from messaging.services.conversations import message_thread
from messaging.services.optouts import is_opted_out, optout_add
from provisioning.accounts import NoTwilioAccount, tenant_account
from tenants.services import Actor

logger = logging.getLogger(__name__)

UNKNOWN_AMBIGUOUS = (
    "An attempt may have reached Twilio and the look-up could not tell which message is this "
    "one: not sent again. Check the recipient's messages at Twilio."
)
NOT_SENT_NO_RECORD = "Not sent: Twilio has no record of any attempt to send this message."
UNKNOWN_GAVE_UP = "Retries ran out while an attempt may have reached Twilio: not sent again."
_NO_DOUBT = {"in_doubt_since": None, "doubt_until": None}

# A message whose status never moves (a carrier without delivery reports) is fetched this
# many times, then left as it is.
MAX_RECONCILES = 6
# The outcomes that count as a message sent (`adopted`: an earlier attempt that did go out).
SENT_OUTCOMES = frozenset({"sent", "adopted"})


@dataclass(frozen=True)
class DispatchResult:
    outcome: str
    sid: str | None = None


def status_callback_url(message: Message) -> str:
    """Where Twilio posts this message's statuses; `m` lets a callback that beats the stored
    SID (or outlives a crashed worker) find its message."""
    path = getattr(settings, "TWILIO_STATUS_WEBHOOK_PATH", "/webhooks/twilio/status")
    return absolute_url(f"{path}?m={message.pk}")


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
    transaction.on_commit(lambda: metrics.count_status(message.channel, status, message.error_code))


class SendInDoubt(Exception):
    """An earlier attempt may still show up at Twilio: try again later, without sending."""


def _claim(message_id: str) -> claims.Claim | None:
    """Take a queued row for one attempt (committed before any call to Twilio)."""
    queued = Message.objects.filter(
        sid__isnull=True, status=Status.QUEUED, direction=Direction.OUTBOUND
    )
    return claims.claim(
        queued,
        message_id,
        seconds=settings.MESSAGING_SEND_LEASE_SECONDS,
    )


@contextmanager
def _claimed_row(held: claims.Claim) -> Iterator[Message | None]:
    """The row, locked for a moment (never across a call), while `held` still holds it."""
    with transaction.atomic():
        yield claims.holds(Message.objects.select_for_update(), held).first()


def _release(held: claims.Claim, **changes) -> None:
    claims.release(Message.objects.all(), held, updated_at=timezone.now(), **changes)


def _mark_attempt(held: claims.Claim) -> None:
    """Committed before the POST: from now on this attempt may have reached Twilio. If the
    worker dies, the doubt lasts until its lease ran out and Twilio's list caught up."""
    now = timezone.now()
    claims.holds(Message.objects.all(), held).update(
        send_attempts=F("send_attempts") + 1,
        in_doubt_since=Coalesce(F("in_doubt_since"), Value(now)),
        doubt_until=held.until + doubt.doubt_window(),
        updated_at=now,
    )


def _post(client, message: Message) -> gateway.MessageResult:
    return gateway.send_message(
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


def _ambiguous(err: gateway.RetryableGatewayError) -> bool:
    """Twilio answers 429 before doing anything; any other temporary failure of the POST
    (5xx, timeout, dropped connection) may come after the message was accepted."""
    return not (err.status == 429 or err.code == 20429)


def _record(held: claims.Claim, result: gateway.MessageResult) -> Message:
    """Store Twilio's answer. Written even if the lease ran out meanwhile: the SID is the
    truth, and a row holding it is never sent again."""
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("tenant").get(pk=held.pk)
        if message.sid and message.sid != result.sid:
            logger.error("message %s holds %s; Twilio has %s", held.pk, message.sid, result.sid)
            return message
        message.in_doubt_since = message.doubt_until = None
        if message.claim_token == held.token:
            message.claim_token = message.claimed_until = None
        _store_result(message, result)
        apply_pending_events(message)
    return message


def _fail(held: claims.Claim, *, code: int | None, text: str) -> None:
    with _claimed_row(held) as message:
        if message is not None:
            message.claim_token = message.claimed_until = None
            mark_failed(message, code=code, text=text)


def _mark_unknown(held: claims.Claim, text: str) -> None:
    with _claimed_row(held) as message:
        if message is not None:
            message.claim_token = message.claimed_until = None
            mark_unknown(message, text)


# For channel transports (`messaging.transports`): the same claim steps the Twilio path takes.
def claim_mark_attempt(held: claims.Claim) -> None:
    """Committed before the ESP call: from now on this attempt may have reached it."""
    _mark_attempt(held)


def claim_release(held: claims.Claim, **changes) -> None:
    """Give the row back (still queued), writing `changes`."""
    _release(held, **changes)


def claim_fail(held: claims.Claim, *, code: int | None, text: str) -> None:
    """Fail the claimed row (nothing was sent) and tell the tenant's webhooks."""
    _fail(held, code=code, text=text)


def claim_mark_unknown(held: claims.Claim, text: str) -> None:
    """Park the claimed row in `unknown`: an attempt may have gone out; never sent again."""
    _mark_unknown(held, text)


def _refused(held: claims.Claim, message: Message, err: gateway.GatewayError) -> DispatchResult:
    """Twilio refused the send for good; a 21610 means the recipient had opted out there."""
    _fail(held, code=err.code, text=err.message)
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


def _look_up(held: claims.Claim, client, message: Message) -> DispatchResult | None:
    """Settle an earlier attempt before sending: adopt what Twilio holds, wait while it may
    still show up, or give up to `unknown`. None: nothing was sent, send now."""
    try:
        lookup = doubt.earlier_send(client, message)
    except gateway.RetryableGatewayError as err:
        _release(held, error_message=f"Retrying: {err.message}")
        raise
    if lookup.found is not None:
        _record(held, lookup.found)
        return DispatchResult("adopted", lookup.found.sid)
    if not lookup.certain:
        _mark_unknown(held, UNKNOWN_AMBIGUOUS)
        return DispatchResult("unknown")
    if not doubt.doubt_is_over(message):
        _release(held, error_message="Retrying: checking whether Twilio got an earlier attempt.")
        raise SendInDoubt(str(message.pk))
    return None


def _dispatch_claimed(held: claims.Claim, message: Message) -> DispatchResult:
    """One attempt on a claimed row, outside any transaction."""
    if is_opted_out(message.tenant_id, message.to_number, message.channel):
        _fail(held, code=OPTED_OUT_CODE, text=NOT_SENT_OPTED_OUT)
        return DispatchResult("opted_out")
    try:
        client = tenant_account(message.tenant).client()
    except NoTwilioAccount as err:
        _fail(held, code=None, text=f"Not sent: {err}")
        return DispatchResult("no_account")
    if doubt.needs_lookup(message):
        settled = _look_up(held, client, message)
        if settled is not None:
            return settled
    _mark_attempt(held)
    try:
        result = _post(client, message)
    except gateway.RetryableGatewayError as err:
        if _ambiguous(err):
            doubt_until = timezone.now() + doubt.doubt_window()
            _release(held, error_message=f"Retrying: {err.message}", doubt_until=doubt_until)
        else:
            _release(held, error_message=f"Retrying: {err.message}", **_NO_DOUBT)
        raise
    except gateway.GatewayError as err:
        return _refused(held, message, err)
    message = _record(held, result)
    return DispatchResult("sent", message.sid)


def message_dispatch(message_id: str) -> DispatchResult:
    """Hand one queued message to Twilio, exactly once. Raises RetryableGatewayError or
    SendInDoubt (after recording the attempt) when it must be tried again later.

    No transaction is open during a call to Twilio: a claim (token and lease, committed)
    keeps other workers off the row instead of a row lock. A STOP committed before the claim
    is seen by the re-check that follows it."""
    message_thread(message_id)
    held = _claim(message_id)
    if held is None:
        message = Message.objects.filter(pk=message_id).first()
        if message is None:
            return DispatchResult("missing")
        if message.sid or message.status != Status.QUEUED:
            return DispatchResult("already_handled", message.sid)
        return DispatchResult("claimed_elsewhere")
    message = Message.objects.select_related("tenant").get(pk=message_id)
    try:
        transport = transports.transport_for(message.channel)
        # Broadcast messages wait for their sender's slot (and slow it on a 429).
        with pacing.paced(message, held):
            if transport is not None:
                result = transport(held, message)
            else:
                result = _dispatch_claimed(held, message)
        if result.outcome in SENT_OUTCOMES:
            metrics.count_sent(message.channel)
        return result
    finally:
        # A no-op when the attempt already released the row (the usual case).
        _release(held)


def message_fail_after_retries(message_id: str, error: Exception) -> None:
    """Retries ran out: failed with the last error, or `unknown` when an attempt may have
    reached Twilio (the reconciler settles those; nothing is sent again)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sid or message.status != Status.QUEUED:
            return
        reason = error.message if isinstance(error, gateway.GatewayError) else str(error)
        if message.in_doubt_since:
            mark_unknown(message, f"{UNKNOWN_GAVE_UP} Last error: {reason}")
        else:
            code = getattr(error, "code", None)
            mark_failed(message, code=code, text=f"Gave up after retries: {reason}")


def messages_to_sweep(*, older_than_seconds: int, limit: int = 500) -> list[str]:
    """Queued messages never handed to Twilio for a while (their task was lost): mark them
    re-enqueued, skipping any row a send task has claimed right now."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    horizon = timezone.now() - timedelta(days=2)
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(claims.free())
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


def message_settle_unknown(message_id: str) -> str:
    """Settle a message in `unknown` from Twilio's side, never by sending: adopt the one
    message Twilio holds for it, or fail it once Twilio's list proves nothing went out.
    Raises the gateway's errors; what stays unclear is left to staff."""
    held = claims.claim(
        Message.objects.filter(status=Status.UNKNOWN, sid__isnull=True),
        message_id,
        seconds=settings.MESSAGING_SEND_LEASE_SECONDS,
    )
    if held is None:
        return "skipped"
    message = Message.objects.select_related("tenant").get(pk=message_id)
    try:
        lookup = doubt.earlier_send(tenant_account(message.tenant).client(), message)
        if lookup.found is not None:
            _record(held, lookup.found)
            return "adopted"
        if lookup.certain and doubt.doubt_is_over(message):
            _fail(held, code=None, text=NOT_SENT_NO_RECORD)
            return "failed"
        _release(held, reconciles=F("reconciles") + 1)
        return "unknown"
    except NoTwilioAccount:
        _release(held, reconciles=F("reconciles") + 1)
        return "unknown"
    finally:
        _release(held)


def unknown_message_ids(*, older_than_seconds: int, limit: int = 500) -> list[str]:
    """Messages in `unknown` for the reconciler to settle, each at most MAX_RECONCILES times
    and no more often than every `older_than_seconds`; the rest wait for staff."""
    now = timezone.now()
    return [
        str(pk)
        for pk in Message.objects.filter(
            created_at__gte=now - timedelta(days=7),
            direction=Direction.OUTBOUND,
            status=Status.UNKNOWN,
            sid__isnull=True,
            reconciles__lt=MAX_RECONCILES,
            channel__in=[Channel.SMS, Channel.WHATSAPP],
            updated_at__lt=now - timedelta(seconds=older_than_seconds),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    ]
