"""Applying Twilio's message statuses: record the raw event once, move the status forward only.

This is the hot path of the platform (every message brings two to four callbacks), so it is
written as plain SQL: on PostgreSQL one statement inserts the raw event (`ON CONFLICT DO
NOTHING`: a repeated (MessageSid, status) is skipped, by the key trigger of the partitioned
table, see `isvplatform.partitions`) and, only when that insert happened, applies the status
with a conditional UPDATE (`WHERE sid = … AND status_rank < …`) that also reports whether
the tenant has a webhook endpoint listening. A duplicate callback changes nothing; a late one
is recorded but never moves a message backwards (delivered stays delivered when a late
`sent` arrives). SQLite runs the same two statements in a transaction.
"""

import itertools
import json
import logging
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from isvplatform import gateway, metrics
from messaging import enqueue, events, pacing, signals
from messaging.models import (
    ERROR_STATUSES,
    FINAL_RANK,
    STATUS_ALIASES,
    STATUS_RANK,
    STATUS_TIMESTAMP,
    Direction,
    Message,
    OptOut,
    WebhookEvent,
)
from messaging.services.common import OPTED_OUT_CODE, parse_error_code
from messaging.services.optouts import optout_add
from provisioning.accounts import (
    CallbackOwner,
    NoTwilioAccount,
    account_callback_owner,
    tenant_account,
    tenant_callback_owner,
)
from tenants.services import Actor

logger = logging.getLogger(__name__)

MESSAGE_TABLE = Message._meta.db_table
EVENT_TABLE = WebhookEvent._meta.db_table
ENDPOINT_TABLE = "webhooks_webhookendpoint"
SUBSCRIBED = "%,message.status,%"


@dataclass(frozen=True)
class StatusOutcome:
    recorded: bool  # the raw event was new
    applied: bool  # the message's status moved forward
    message_id: str | None = None
    tenant_id: int | None = None


def _now_param(value: datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _json_param(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


_INSERT_EVENT = (
    f"INSERT INTO {EVENT_TABLE} (kind, message_sid, status, account_sid, payload, received_at) "
    "VALUES (%s, %s, %s, %s, {payload}, %s) "
    "ON CONFLICT DO NOTHING RETURNING id"
)


def _update_sql(column: str) -> str:
    """Move one message forward to a status; `column` is that status's timestamp column."""
    stamp = f"{column} = COALESCE({column}, %s), " if column != "updated_at" else ""
    return (
        f"UPDATE {MESSAGE_TABLE} SET status = %s, status_rank = %s, "
        f"{stamp}updated_at = %s, "
        "error_code = COALESCE(%s, error_code), "
        "error_message = CASE WHEN %s = '' THEN error_message ELSE %s END, "
        "from_number = CASE WHEN from_number = '' THEN %s ELSE from_number END "
        "WHERE sid = %s AND status_rank < %s "
        f"RETURNING id, tenant_id, EXISTS (SELECT 1 FROM {ENDPOINT_TABLE} e "
        f"WHERE e.tenant_id = {MESSAGE_TABLE}.tenant_id AND e.is_active AND e.events LIKE %s), "
        "origin, channel"
    )


def explained(code: int, twilio_text: str) -> str:
    """Twilio's error text led by the platform's plain-language explanation of the code
    (e.g. 63016: outside WhatsApp's 24-hour window only templates go)."""
    explanation = gateway.describe_error(code)
    if not explanation or twilio_text.startswith(explanation):
        return twilio_text or explanation or ""
    return f"{explanation} Twilio said: {twilio_text}" if twilio_text else explanation


def record_event(
    *, kind: str, message_sid: str, status: str, account_sid: str, payload: Mapping[str, Any]
) -> bool:
    """Keep a raw event unless one with this (SID, status) is there already; True if new."""
    placeholder = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    params = [kind, message_sid, status, account_sid, _json_param(payload)]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_EVENT.format(payload=placeholder), [*params, _now_param(timezone.now())]
        )
        return cursor.fetchone() is not None


def _async_commit_prefix() -> str:
    """Commit status callbacks without waiting for the WAL flush.

    Sent with the statement in one simple-protocol message, `SET LOCAL` makes both one
    implicit transaction whose commit doesn't wait for the disk (the flush follows within a
    fraction of a second). Only a database crash in that window could lose a status, and the
    reconciler fetches from Twilio every message whose status stops moving. Needs client-side
    parameter binding (Django's default); with server-side binding the commit is synchronous.
    """
    options = connection.settings_dict.get("OPTIONS") or {}
    return "" if options.get("server_side_binding") else "SET LOCAL synchronous_commit TO OFF; "


def _pg_body(column: str) -> str:
    """Event insert and status update as one PostgreSQL statement (one round trip)."""
    insert = _INSERT_EVENT.format(payload="%s::jsonb")
    update = _update_sql(column).replace(
        "WHERE sid = %s AND status_rank < %s",
        "WHERE sid = %s AND status_rank < %s AND EXISTS (SELECT 1 FROM ev)",
    )
    return (
        f"WITH ev AS ({insert}), upd AS ({update}) "
        "SELECT (SELECT count(*) FROM ev), upd.* FROM (SELECT 1) AS one LEFT JOIN upd ON TRUE"
    )


def _numbered(sql: str) -> str:
    counter = itertools.count(1)
    return re.sub(r"%s", lambda _: f"${next(counter)}", sql)


# Names of the statements prepared on each database connection (a connection forgets them
# when it closes, and so does this map, by weak reference).
_prepared: "weakref.WeakKeyDictionary[Any, set[str]]" = weakref.WeakKeyDictionary()


def _pg_apply(cursor, column: str, params: list[Any]) -> tuple:
    """Run the combined statement, prepared once per connection so it isn't planned per call."""
    name = f"isv_status_{column}"
    prepared = _prepared.setdefault(connection.connection, set())
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {_numbered(_pg_body(column))}")
        prepared.add(name)
    arguments = ", ".join(["%s"] * len(params))
    cursor.execute(f"{_async_commit_prefix()}EXECUTE {name}({arguments})", params)
    if cursor.description is None:
        cursor.nextset()  # past the SET LOCAL
    return cursor.fetchone()


def _update_params(
    column: str,
    status: str,
    rank: int,
    when: Any,
    code: int | None,
    text: str,
    from_number: str,
    sid: str,
) -> list[Any]:
    stamp = [when] if column != "updated_at" else []
    return [status, rank, *stamp, when, code, text, text, from_number, sid, rank, SUBSCRIBED]


def _insert_and_update(column: str, event_params: list[Any], update_params: list[Any]) -> tuple:
    """(recorded, message id, tenant id, subscribed, origin, channel): insert the event, and
    only if it is new move the message; one statement on PostgreSQL, two elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            inserted, *moved = _pg_apply(cursor, column, event_params + update_params)
        return (bool(inserted), *moved)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INSERT_EVENT.format(payload="%s"), event_params)
        recorded = cursor.fetchone() is not None
        row = None
        if recorded:
            cursor.execute(_update_sql(column), update_params)
            row = cursor.fetchone()
    return (recorded, *(row or (None,) * 5))


def _announce_final(
    outcome: StatusOutcome, status: str, rank: int, origin: str | None, error_code: int | None
) -> None:
    """Tell the broadcasts a status of one of their messages became final (signals.py)."""
    if origin == Message.Origin.BROADCAST and rank >= FINAL_RANK:
        signals.broadcast_message_final.send(
            sender=Message,
            message_id=outcome.message_id,
            tenant_id=outcome.tenant_id,
            status=status,
            error_code=error_code,
        )


def record_and_apply(
    *,
    kind: str,
    message_sid: str,
    twilio_status: str,
    account_sid: str,
    payload: Mapping[str, Any],
    error_code: int | None = None,
    error_message: str = "",
    from_number: str = "",
) -> StatusOutcome:
    """Record the raw event once and, if it is new, move the message forward to its status."""
    status = STATUS_ALIASES.get(twilio_status, twilio_status)
    rank = STATUS_RANK.get(twilio_status)
    column = STATUS_TIMESTAMP.get(status, "updated_at")
    now = _now_param(timezone.now())
    if status not in ERROR_STATUSES:
        error_code, error_message = None, ""
    elif error_code:
        error_message = explained(error_code, error_message)
    event_params = [kind, message_sid, twilio_status, account_sid, _json_param(payload), now]

    if rank is None:
        # A status the platform doesn't track (e.g. partially_delivered): keep it, apply nothing.
        recorded = record_event(
            kind=kind,
            message_sid=message_sid,
            status=twilio_status,
            account_sid=account_sid,
            payload=payload,
        )
        return StatusOutcome(recorded=recorded, applied=False)

    update_params = _update_params(
        column, status, rank, now, error_code, error_message, from_number, message_sid
    )
    recorded, message_id, tenant_id, subscribed, origin, channel = _insert_and_update(
        column, event_params, update_params
    )
    if message_id is None:
        return StatusOutcome(recorded=recorded, applied=False)
    metrics.count_status(channel, status, error_code)
    outcome = StatusOutcome(
        recorded=True, applied=True, message_id=str(message_id), tenant_id=tenant_id
    )
    if rank >= FINAL_RANK:
        enqueue.fetch_message_price(outcome.message_id)
        _announce_final(outcome, status, rank, origin, error_code)
    if subscribed or error_code == OPTED_OUT_CODE:
        _after_status_change(outcome, error_code)
    pacing.note_status_error(outcome.message_id, error_code)
    return outcome


def _apply_only(
    message_sid: str, twilio_status: str, error_code: int | None, error_message: str, frm: str
) -> StatusOutcome:
    """Apply an already recorded status (the row's SID became known after the event came)."""
    status = STATUS_ALIASES.get(twilio_status, twilio_status)
    rank = STATUS_RANK.get(twilio_status)
    if rank is None:
        return StatusOutcome(recorded=False, applied=False)
    if status not in ERROR_STATUSES:
        error_code, error_message = None, ""
    elif error_code:
        error_message = explained(error_code, error_message)
    now = _now_param(timezone.now())
    column = STATUS_TIMESTAMP.get(status, "updated_at")
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql(column),
            _update_params(column, status, rank, now, error_code, error_message, frm, message_sid),
        )
        row = cursor.fetchone()
    if row is None:
        return StatusOutcome(recorded=False, applied=False)
    outcome = StatusOutcome(recorded=False, applied=True, message_id=str(row[0]), tenant_id=row[1])
    metrics.count_status(row[4], status, error_code)
    if rank >= FINAL_RANK:
        enqueue.fetch_message_price(outcome.message_id)
        _announce_final(outcome, status, rank, row[3], error_code)
    if row[2] or error_code == OPTED_OUT_CODE:
        _after_status_change(outcome, error_code)
    return outcome


def _after_status_change(outcome: StatusOutcome, error_code: int | None) -> None:
    """The rare, heavier follow-ups: tenant webhooks and Twilio-reported opt-outs."""
    message = Message.objects.select_related("tenant").get(pk=outcome.message_id)
    with transaction.atomic():
        events.emit_message_status(message)
        if error_code == OPTED_OUT_CODE:
            optout_add(
                tenant=message.tenant,
                number=message.to_number,
                channel=message.channel,
                source=OptOut.Source.TWILIO,
                reason="Twilio reported the recipient as opted out (21610).",
                actor=Actor.system(),
            )


def _adopt_sid(message_hint: str, message_sid: str, account_sid: str) -> None:
    """Give a queued row the SID of a callback that names it: the worker that sent it died
    before storing Twilio's answer, and without the SID the outbox would send it again."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .select_related("tenant")
            .filter(pk=message_hint, sid__isnull=True, direction=Direction.OUTBOUND)
            .first()
        )
        if message is None:
            return
        try:
            account = tenant_account(message.tenant)
        except NoTwilioAccount:
            return
        if account.account_sid != account_sid:
            logger.warning("status callback for %s names another account", message_hint)
            return
        message.sid = message_sid
        message.account_sid = account_sid
        message.submitted_at = message.submitted_at or timezone.now()
        message.save(update_fields=["sid", "account_sid", "submitted_at"])
        logger.info("adopted SID %s for message %s from its callback", message_sid, message.pk)


_OWNER_BY_SID = "SELECT tenant_id, account_sid FROM messaging_message WHERE sid = %s LIMIT 1"


def _owner_row(*, sid: str = "", pk: str = "") -> tuple[int, str] | None:
    """(tenant id, sending account) of the message; by SID in plain SQL, as it runs for every
    status callback (the ORM's query building cost more than the indexed look-up itself)."""
    if sid:
        with connection.cursor() as cursor:
            cursor.execute(_OWNER_BY_SID, [sid])
            return cursor.fetchone()
    rows = Message.objects.filter(pk=pk).values_list("tenant_id", "account_sid")[:1]
    return next(iter(rows), None)


def callback_owner(params: Mapping[str, str], message_hint: str = "") -> CallbackOwner | None:
    """Who must have signed a status callback: the account that sent the message it names.

    One indexed lookup by SID on the hot path; the hint (`m`, the row's id in the callback
    URL) only when no row holds the SID yet. None when neither names a message.
    """
    message_sid = params.get("MessageSid") or params.get("SmsSid") or ""
    row = _owner_row(sid=message_sid) if message_sid else None
    if row is None and message_hint:
        row = _owner_row(pk=message_hint)
    if row is None:
        return None
    tenant_id, account_sid = row
    if account_sid:
        return account_callback_owner(tenant_id, account_sid)
    return tenant_callback_owner(tenant_id)


def apply_status_callback(params: Mapping[str, str], *, message_hint: str = "") -> StatusOutcome:
    """Everything a status callback does, given its (already verified) form parameters."""
    message_sid = params.get("MessageSid") or params.get("SmsSid") or ""
    twilio_status = (params.get("MessageStatus") or params.get("SmsStatus") or "").lower()
    if not message_sid or not twilio_status:
        return StatusOutcome(recorded=False, applied=False)
    error_code = parse_error_code(params.get("ErrorCode"))
    error_message = params.get("ErrorMessage") or ""
    from_number = (params.get("From") or "").removeprefix("whatsapp:")
    outcome = record_and_apply(
        kind=WebhookEvent.Kind.STATUS,
        message_sid=message_sid,
        twilio_status=twilio_status,
        account_sid=params.get("AccountSid") or "",
        payload=dict(params.items()),
        error_code=error_code,
        error_message=error_message,
        from_number=from_number,
    )
    # Recorded but not applied: out of order (nothing to do), or the row doesn't hold its SID
    # yet (the send task is storing it right now, or died before it could).
    if (
        outcome.recorded
        and not outcome.applied
        and message_hint
        and not Message.objects.filter(sid=message_sid).exists()
    ):
        _adopt_sid(message_hint, message_sid, params.get("AccountSid") or "")
        retried = _apply_only(message_sid, twilio_status, error_code, error_message, from_number)
        if retried.applied:
            return StatusOutcome(True, True, retried.message_id, retried.tenant_id)
    return outcome


def apply_fetched(message: Message, result: gateway.MessageResult) -> StatusOutcome:
    """Apply what Twilio says about a message (the reconciler's view after a lost callback)."""
    outcome = record_and_apply(
        kind=WebhookEvent.Kind.RECONCILE,
        message_sid=result.sid,
        twilio_status=result.status,
        account_sid=result.account_sid,
        payload={
            "MessageSid": result.sid,
            "MessageStatus": result.status,
            "ErrorCode": result.error_code,
            "Price": str(result.price) if result.price is not None else None,
            "PriceUnit": result.price_unit,
            "source": "reconcile",
        },
        error_code=result.error_code,
        error_message=result.error_message or "",
        from_number=(result.from_ or "").removeprefix("whatsapp:"),
    )
    if not outcome.recorded:
        # A callback recorded this status before the row knew its SID; apply it now.
        outcome = _apply_only(
            result.sid,
            result.status,
            result.error_code,
            result.error_message or "",
            (result.from_ or "").removeprefix("whatsapp:"),
        )
    updates: dict[str, Any] = {"reconciles": message.reconciles + 1, "updated_at": timezone.now()}
    if result.price is not None and message.price is None:
        updates.update(price=abs(result.price), price_unit=result.price_unit or "")
    Message.objects.filter(pk=message.pk).update(**updates)
    return outcome
