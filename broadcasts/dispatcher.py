"""The paced dispatcher: one small batch of a sending broadcast per task run.

Each run holds the broadcast's lease (`isvplatform.claims`: a committed token, no row lock
across calls), re-reads the status (paused or cancelled: stop), wakes recipients whose
quiet hours ended, takes about `BROADCAST_BATCH_SECONDS` of the sender's rate (at most
`BROADCAST_BATCH_MAX`), skips the batch's opted-out numbers set-based, defers marketing
recipients outside their window (`quiet_hours`), takes the tenant's sending quota and the
sender's daily cap (what is beyond either waits for its reset), and hands
each remaining recipient to messaging's ordinary send path (`message_send`, the outbox):
the recipient's one `Message` is created in the transaction that moves the recipient from
pending, so a run repeated or overlapping creates nothing twice. Email goes through
`emails.services.email_send` instead (no quiet hours: an email waits in the inbox), paced
on the ESP account's send rate. The pace itself is kept at the Twilio (or ESP) call
(`messaging.pacing`); the dispatcher only keeps the pipeline short.
A run ends by naming when the next one is due; with nothing left, the broadcast completes.
"""

import contextlib
import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from billing.services.limit_events import refusal_message
from billing.services.limits import sending_stopped
from billing.services.quotas import quota_reset, quota_take
from broadcasts import quiet_hours
from broadcasts.models import (
    Broadcast,
    BroadcastRecipient,
    BroadcastStatus,
    PauseReason,
    Purpose,
    SkipReason,
)
from broadcasts.models import RecipientStatus as R
from broadcasts.services.common import BroadcastConflict
from broadcasts.services.lifecycle import broadcast_complete, broadcast_pause
from broadcasts.services.rendering import (
    email_parts_for,
    email_template_values,
    render_for,
    template_variables_for,
)
from emails.services import email_send
from isvplatform import claims, metrics
from messaging import buckets, pacing
from messaging.models import Channel, Message, OptOut
from messaging.services import SendRefused, message_send
from messaging.services.senders import account_or_refuse, select_sender
from privacy.suppression import hash_suppressed_among
from tenants.services import Actor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """What one run did, and in how many seconds the next is due (None: no next run)."""

    outcome: str
    queued: int = 0
    next_in: float | None = None


class _Stopped(Exception):
    """The broadcast left `sending` during the batch, or another run took a recipient."""


def _move(broadcast_id, **deltas: int) -> int:
    """Move counters with F() while the broadcast is sending; 0 when it no longer is."""
    changes = {name: F(name) + delta for name, delta in deltas.items() if delta}
    changes["updated_at"] = timezone.now()
    return Broadcast.objects.filter(pk=broadcast_id, status=BroadcastStatus.SENDING).update(
        **changes
    )


def _due(broadcast_id):
    return BroadcastRecipient.objects.filter(
        broadcast_id=broadcast_id, status=R.PENDING, not_before__isnull=True
    )


def wake_deferred(broadcast_id, now: dt.datetime | None = None) -> int:
    """Recipients whose quiet hours (or daily cap) ended become due again."""
    with transaction.atomic():
        woken = BroadcastRecipient.objects.filter(
            broadcast_id=broadcast_id, status=R.PENDING, not_before__lte=now or timezone.now()
        ).update(not_before=None)
        if woken:
            Broadcast.objects.filter(pk=broadcast_id).update(deferred=F("deferred") - woken)
    return woken


def _defer(broadcast_id, recipient_ids: list[int], until: dt.datetime) -> int:
    with transaction.atomic():
        moved = BroadcastRecipient.objects.filter(
            pk__in=recipient_ids, status=R.PENDING, not_before__isnull=True
        ).update(not_before=until)
        if moved and not _move(broadcast_id, deferred=moved):
            raise _Stopped
    return moved


def _skip_opted_out(broadcast: Broadcast, batch: list[BroadcastRecipient]) -> set[int]:
    """A STOP that came during the run: that number gets nothing more (set-based)."""
    numbers = {r.address for r in batch}
    stopped = set(
        OptOut.objects.filter(
            tenant_id=broadcast.tenant_id, channel=broadcast.channel, number__in=numbers
        ).values_list("number", flat=True)
    )
    stopped |= {
        a for a, _ in hash_suppressed_among(broadcast.tenant_id, numbers, broadcast.channel)
    }
    ids = [r.pk for r in batch if r.address in stopped]
    if not ids:
        return set()
    with transaction.atomic():
        skipped = BroadcastRecipient.objects.filter(pk__in=ids, status=R.PENDING).update(
            status=R.SKIPPED, skip_reason=SkipReason.OPTED_OUT
        )
        if skipped and not _move(broadcast.pk, pending=-skipped, opted_out=skipped):
            raise _Stopped
    return set(ids)


def _defer_quiet(broadcast: Broadcast, batch: list[BroadcastRecipient]) -> set[int]:
    """Marketing recipients outside their local window wait for its next opening (texts
    only: the quiet-hour rules are about phones)."""
    if broadcast.purpose != Purpose.MARKETING or broadcast.channel == Channel.EMAIL:
        return set()
    now = timezone.now()
    openings: dict[dt.datetime, list[int]] = {}
    for recipient in batch:
        contact = recipient.contact
        locale = quiet_hours.locale_for(
            phone=recipient.address,
            time_zone=contact.time_zone if contact else "",
            region=contact.region if contact else "",
        )
        opening = quiet_hours.next_opening(now, locale)
        if opening is not None:
            openings.setdefault(opening, []).append(recipient.pk)
    for opening, ids in openings.items():
        _defer(broadcast.pk, ids, opening)
    return {pk for ids in openings.values() for pk in ids}


def _send_kwargs(broadcast: Broadcast, recipient: BroadcastRecipient) -> dict:
    kwargs = {
        "tenant": broadcast.tenant,
        "to": recipient.address,
        "channel": broadcast.channel,
        "from_": broadcast.from_number,
        "actor": Actor.system(),
        "origin": Message.Origin.BROADCAST,
    }
    contact = recipient.contact
    if broadcast.template_id:
        kwargs["template"] = str(broadcast.template_id)
        kwargs["variables"] = template_variables_for(broadcast, contact) if contact else {}
    else:
        kwargs["body"] = render_for(broadcast, contact) if contact else broadcast.body
    return kwargs


def _send(broadcast: Broadcast, recipient: BroadcastRecipient) -> Message:
    """The recipient's one Message, through the channel's send path."""
    if broadcast.channel != Channel.EMAIL:
        return message_send(**_send_kwargs(broadcast, recipient))
    kwargs = {
        "tenant": broadcast.tenant,
        "to": recipient.address,
        "from_": broadcast.from_number,
        # The business's name beside the address in the inbox.
        "from_name": broadcast.tenant.name[:100],
        "category": broadcast.purpose,
        "actor": Actor.system(),
        "origin": Message.Origin.BROADCAST,
    }
    if broadcast.email_template_id:
        # The emails app renders its template (and a marketing template's unsubscribe).
        values = email_template_values(broadcast, recipient.contact)
        return email_send(template=str(broadcast.email_template_id), variables=values, **kwargs)
    subject, html, text = email_parts_for(broadcast, recipient.contact)
    return email_send(subject=subject, html=html, text=text, **kwargs)


def _take(recipient: BroadcastRecipient, **changes) -> None:
    """Move a recipient from pending, only if no run did (else the whole batch gives way)."""
    moved = BroadcastRecipient.objects.filter(
        pk=recipient.pk, status=R.PENDING, message__isnull=True
    ).update(**changes)
    if not moved:
        raise _Stopped


def hand_over(broadcast: Broadcast, recipients: list[BroadcastRecipient]) -> int:
    """Create each recipient's one Message (or skip it, refused) in one transaction with
    the recipients' moves and the counters: exactly once, as only a pending recipient
    without a message moves, and nothing at all when the broadcast left `sending`
    meanwhile (a pause takes effect within the batch). The sends are enqueued on commit."""
    queued = skipped = 0
    with transaction.atomic():
        for recipient in recipients:
            try:
                message = _send(broadcast, recipient)
            except (SendRefused, ValidationError) as err:
                logger.info("broadcast %s: %s refused: %s", broadcast.pk, recipient.address, err)
                _take(recipient, status=R.SKIPPED, skip_reason=SkipReason.REFUSED)
                skipped += 1
                continue
            _take(recipient, status=R.QUEUED, message=message)
            queued += 1
        if (queued or skipped) and not _move(
            broadcast.pk, pending=-(queued + skipped), sent=queued, skipped=skipped
        ):
            raise _Stopped
        channel = broadcast.channel
        transaction.on_commit(lambda: metrics.count_broadcast_recipients(channel, queued, skipped))
    return queued


def _lanes(size: int) -> int:
    """How many transactions hand a batch over side by side: `BROADCAST_LANES` on
    PostgreSQL (creating a message waits mostly on the database), one on SQLite (one
    writer at a time) or inside a caller's transaction (threads would not see its rows)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 1
    return max(1, min(settings.BROADCAST_LANES, size // 10))


def hand_over_in_lanes(broadcast: Broadcast, recipients: list[BroadcastRecipient]) -> int:
    """`hand_over` of a batch split into lanes, each its own thread and transaction;
    exactly once still (each recipient moves only from pending). Raises `_Stopped` after
    every lane ended when one found the broadcast stopped."""
    lanes = _lanes(len(recipients))
    if lanes == 1:
        return hand_over(broadcast, recipients)

    def lane(chunk: list[BroadcastRecipient]) -> int:
        try:
            return hand_over(broadcast, chunk)
        finally:
            connection.close()

    with ThreadPoolExecutor(lanes) as pool:
        futures = [pool.submit(lane, recipients[i::lanes]) for i in range(lanes)]
    stopped = [f for f in futures if isinstance(f.exception(), _Stopped)]
    for future in futures:
        if future.exception() is not None and future not in stopped:
            raise future.exception()
    if stopped:
        raise _Stopped
    return sum(f.result() for f in futures)


def broadcast_sender_limit(broadcast: Broadcast) -> pacing.SenderLimit:
    """The limit of the sender the broadcast's messages go out from."""
    from_number, service_sid = broadcast.from_number, broadcast.messaging_service_sid
    if not from_number and not service_sid and broadcast.channel != Channel.EMAIL:
        try:
            sender = select_sender(
                tenant=broadcast.tenant,
                channel=broadcast.channel,
                to="",
                account=account_or_refuse(broadcast.tenant),
            )
            from_number, service_sid = sender.from_number, sender.messaging_service_sid
        except SendRefused:
            pass
    return pacing.sender_limit(
        tenant_id=broadcast.tenant_id,
        channel=broadcast.channel,
        from_number=from_number,
        messaging_service_sid=service_sid,
    )


def _batch_size(limit: pacing.SenderLimit) -> int:
    if not pacing.enabled():
        return settings.BROADCAST_BATCH_MAX
    return max(
        1, min(settings.BROADCAST_BATCH_MAX, int(limit.mps * settings.BROADCAST_BATCH_SECONDS))
    )


def _cap_reached(broadcast: Broadcast, limit: pacing.SenderLimit, wanted: int) -> int:
    """How many of `wanted` today's daily cap still allows; at none, every due recipient
    waits for the cap's reset (deferred, not dropped)."""
    if not pacing.enabled() or not limit.daily_cap or wanted == 0:
        return wanted
    granted = buckets.take_daily(limit.cap_key, wanted, limit.daily_cap)
    if granted == 0:
        ids = list(_due(broadcast.pk).values_list("pk", flat=True))
        _defer(broadcast.pk, ids, buckets.next_cap_reset())
    return granted


def _within_quota(
    broadcast: Broadcast, sendable: list[BroadcastRecipient]
) -> list[BroadcastRecipient]:
    """The recipients the tenant's sending quota still allows; every other due recipient
    waits for the quota's reset (deferred, not skipped). The quota is taken here, once per
    batch: `message_send` does not count a broadcast's sends again (origin `broadcast`)."""
    if not sendable:
        return sendable
    admission = quota_take(broadcast.tenant, channel=broadcast.channel, count=len(sendable))
    if admission.granted < len(sendable):
        allowed = [r.pk for r in sendable[: admission.granted]]
        waiting = _due(broadcast.pk).exclude(pk__in=allowed).values_list("pk", flat=True)
        _defer(broadcast.pk, list(waiting), quota_reset(admission.refusal.reason))
    return sendable[: admission.granted]


def _next_run(broadcast_id, limit: pacing.SenderLimit, queued: int) -> RunResult:
    if not _due(broadcast_id).exists():
        if broadcast_complete(broadcast_id):
            return RunResult("completed", queued)
        return RunResult("waiting", queued)
    if not pacing.enabled():
        return RunResult("batch", queued, 0.0)
    ahead = queued / max(buckets.effective_rate(limit.key, limit.mps), 1e-6)
    return RunResult("batch", queued, max(ahead - settings.BROADCAST_BATCH_SECONDS / 2, 0.0))


def _paused_by_spending_limit(broadcast: Broadcast) -> bool:
    """A hard spending limit stops the tenant's sends on the broadcast's channel: pause the
    broadcast (resumed when staff lift the limit) rather than skip each recipient refused."""
    limit = sending_stopped(broadcast.tenant, broadcast.channel)
    if limit is None:
        return False
    with contextlib.suppress(BroadcastConflict):  # paused or cancelled meanwhile
        broadcast_pause(
            broadcast,
            Actor.system(),
            reason=PauseReason.SPENDING_LIMIT,
            detail=refusal_message(limit)[:500],
        )
    return True


def _run_batch(broadcast: Broadcast) -> RunResult:
    if _paused_by_spending_limit(broadcast):
        return RunResult("paused")
    limit = broadcast_sender_limit(broadcast)
    if pacing.enabled():
        backlog = buckets.backlog_seconds(limit.key)
        if backlog > settings.BROADCAST_BATCH_SECONDS:
            return RunResult("throttled", 0, backlog - settings.BROADCAST_BATCH_SECONDS / 2)
    wake_deferred(broadcast.pk)
    batch = list(_due(broadcast.pk).select_related("contact").order_by("pk")[: _batch_size(limit)])
    if not batch:
        return _next_run(broadcast.pk, limit, 0)
    held_back = _skip_opted_out(broadcast, batch) | _defer_quiet(broadcast, batch)
    sendable = _within_quota(broadcast, [r for r in batch if r.pk not in held_back])
    sendable = sendable[: _cap_reached(broadcast, limit, len(sendable))]
    queued = hand_over_in_lanes(broadcast, sendable)
    return _next_run(broadcast.pk, limit, queued)


def broadcast_dispatch(broadcast_id) -> RunResult:
    """One run of the dispatcher (the `broadcasts.dispatch` task's body; idempotent)."""
    held = claims.claim(
        Broadcast.objects.filter(status=BroadcastStatus.SENDING),
        broadcast_id,
        seconds=settings.BROADCAST_LEASE_SECONDS,
    )
    if held is None:
        status = Broadcast.objects.filter(pk=broadcast_id).values_list("status", flat=True)
        return RunResult("not_sending" if status.first() != BroadcastStatus.SENDING else "busy")
    try:
        broadcast = Broadcast.objects.select_related("tenant").get(pk=broadcast_id)
        return _run_batch(broadcast)
    except _Stopped:
        return RunResult("stopped")
    finally:
        claims.release(Broadcast.objects.all(), held)


def sending_to_rekick(now: dt.datetime | None = None, limit: int = 200) -> list:
    """Sending broadcasts nobody runs (their lease ran out or was never taken: a lost task,
    a killed worker, a restarted broker) that have due recipients: the tick re-kicks them."""
    now = now or timezone.now()
    due = BroadcastRecipient.objects.filter(
        broadcast_id=OuterRef("pk"), status=R.PENDING, not_before__isnull=True
    )
    return list(
        Broadcast.objects.filter(claims.free(now), status=BroadcastStatus.SENDING)
        .filter(Exists(due))
        .values_list("pk", flat=True)[:limit]
    )


def wake_all_deferred(now: dt.datetime | None = None) -> list:
    """Wake the deferred recipients of every sending broadcast whose window opened; the
    broadcasts that got recipients back."""
    now = now or timezone.now()
    opened = (
        BroadcastRecipient.objects.filter(
            status=R.PENDING, not_before__lte=now, broadcast__status=BroadcastStatus.SENDING
        )
        .values_list("broadcast_id", flat=True)
        .distinct()
    )
    return [broadcast_id for broadcast_id in list(opened) if wake_deferred(broadcast_id, now)]
