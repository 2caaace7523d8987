"""Sending messages, opt-outs and the consent ledger, conversations and keyword replies.

A send is validated completely before anything is stored (number, length, segments, opt-out,
10DLC gate, WhatsApp window, sender), then the `Message` is committed and the send task is
enqueued on commit: a transactional outbox, so a crash between the two loses nothing (the
sweeper re-enqueues what stayed queued). `message_dispatch` is the task's body: it locks the
row, never sends a message that already has a Twilio SID, re-checks the opt-out under the
lock (a STOP that was recorded first always wins) and records Twilio's answer.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from isvplatform import gateway
from isvplatform.public import absolute_url
from messaging import events
from messaging.gate import compliance_gate
from messaging.models import (
    STATUS_ALIASES,
    STATUS_RANK,
    STATUS_TIMESTAMP,
    Channel,
    ConsentEvent,
    Conversation,
    Direction,
    Message,
    MessagingSettings,
    OptOut,
    Status,
)
from messaging.pricing import estimate_price
from messaging.segments import MAX_BODY_CHARS, SegmentInfo, segment_info
from provisioning.accounts import NoTwilioAccount, TenantAccount, tenant_account
from provisioning.models import PhoneNumber
from provisioning.selectors import active_numbers, messaging_service_for, primary_number
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"
WHATSAPP_WINDOW = timedelta(hours=24)
MAX_MEDIA = 10
OPTED_OUT_CODE = 21610
# A message whose status never moves (a carrier without delivery reports) is fetched this
# many times, then left as it is.
MAX_RECONCILES = 6


class SendRefused(ValidationError):
    """A send refused before anything is stored; `.reason` is a stable machine-readable code."""

    def __init__(self, reason: str, message: str, field_name: str | None = None) -> None:
        self.reason = reason
        self.reason_message = message
        super().__init__({field_name: [message]} if field_name else message, code=reason)


# --- addresses --------------------------------------------------------------------------


def strip_channel(address: str) -> tuple[str, str]:
    """`whatsapp:+1415…` -> ("whatsapp", "+1415…"); a bare number is SMS."""
    address = (address or "").strip()
    if address.lower().startswith(WHATSAPP_PREFIX):
        return Channel.WHATSAPP, address[len(WHATSAPP_PREFIX) :].strip()
    return Channel.SMS, address


def twilio_address(channel: str, number: str) -> str:
    return f"{WHATSAPP_PREFIX}{number}" if channel == Channel.WHATSAPP and number else number


def normalize_number(value: str, field_name: str = "to") -> str:
    """E.164 through phonenumbers; national US numbers are read as such."""
    try:
        parsed = phonenumbers.parse((value or "").strip(), "US")
    except phonenumbers.NumberParseException as err:
        raise ValidationError(
            {field_name: "Enter the number in E.164 format, like +14155550123."}
        ) from err
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError({field_name: f"{value} is not a valid phone number."})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# --- estimate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    channel: str
    info: SegmentInfo
    estimated_price: Decimal
    currency: str = "USD"
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        info = self.info
        return {
            "channel": self.channel,
            "encoding": info.encoding,
            "segments": info.segments,
            "characters": info.characters,
            "units": info.units,
            "per_segment": info.per_segment,
            "remaining_in_segment": info.remaining_in_segment,
            "max_characters": MAX_BODY_CHARS,
            "unicode_characters": [
                {"char": c.char, "index": c.index, "codepoint": c.codepoint}
                for c in info.unicode_chars
            ],
            "estimated_price": str(self.estimated_price),
            "currency": self.currency,
            "warnings": list(self.warnings),
        }


def message_estimate(
    *,
    tenant: Tenant | None,
    body: str,
    channel: str = Channel.SMS,
    to: str = "",
    media_urls: Sequence[str] = (),
    content_sid: str = "",
) -> Estimate:
    """Segments, encoding and price of a message before sending (nothing is stored)."""
    info = segment_info(body or "")
    warnings: list[str] = []
    number = ""
    if to:
        try:
            number = normalize_number(strip_channel(to)[1])
        except ValidationError:
            warnings.append("The recipient is not a valid phone number yet.")
    if len(body or "") > MAX_BODY_CHARS:
        warnings.append(f"The body is longer than {MAX_BODY_CHARS} characters and can't be sent.")
    if channel == Channel.SMS and info.unicode_chars:
        shown = "".join(dict.fromkeys(c.char for c in info.unicode_chars))[:10]
        warnings.append(
            f"{shown} can't be sent in GSM-7, so the whole message uses UCS-2 "
            f"({info.per_segment} characters per segment)."
        )
    if tenant is not None and number and is_opted_out(tenant.pk, number, channel):
        warnings.append(f"{number} has opted out; the message would be refused.")
    empty = not (body or "").strip() and not media_urls and not content_sid
    segments = 0 if empty else (info.segments if channel == Channel.SMS else 1)
    price = estimate_price(
        channel=channel,
        to=number,
        segments=segments,
        has_media=bool(media_urls),
        is_template=bool(content_sid),
    )
    return Estimate(channel=channel, info=info, estimated_price=price, warnings=warnings)


# --- sender selection -------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """Who a message goes out as: a number, or a messaging service that picks one."""

    channel: str
    to: str
    from_number: str
    messaging_service_sid: str
    account_sid: str
    via_master: bool
    number: PhoneNumber | None = None


def _account_or_refuse(tenant: Tenant) -> TenantAccount:
    try:
        return tenant_account(tenant)
    except NoTwilioAccount as err:
        raise SendRefused("no_twilio_account", str(err)) from err


def select_sender(
    *, tenant: Tenant, channel: str, to: str, from_: str = "", account: TenantAccount
) -> Sender:
    """The tenant's messaging service, else its primary number, else the master fallback."""
    numbers = active_numbers(tenant)
    if account.via_master:
        numbers = numbers.filter(subaccount__isnull=True)
    if channel == Channel.WHATSAPP:
        numbers = numbers.filter(whatsapp_enabled=True)

    def by_number(number: PhoneNumber) -> Sender:
        return Sender(
            channel=channel,
            to=to,
            from_number=number.phone_number,
            messaging_service_sid="",
            account_sid=account.account_sid,
            via_master=account.via_master,
            number=number,
        )

    fallback = settings.TWILIO_FALLBACK_FROM_NUMBER if account.via_master else ""
    if from_:
        number = numbers.filter(phone_number=from_).first()
        if number is not None:
            return by_number(number)
        if fallback and from_ == fallback and channel == Channel.SMS:
            return Sender(channel, to, fallback, "", account.account_sid, True)
        what = "a WhatsApp-enabled" if channel == Channel.WHATSAPP else "an active"
        raise SendRefused("invalid_sender", f"{from_} is not {what} number of yours.", "from")

    if channel == Channel.WHATSAPP:
        number = numbers.order_by("-is_primary", "phone_number").first()
        if number is None:
            raise SendRefused(
                "no_whatsapp_sender",
                "None of your numbers is enabled as a WhatsApp sender yet.",
                "channel",
            )
        return by_number(number)

    service = None if account.via_master else messaging_service_for(tenant)
    if service is not None:
        return Sender(channel, to, "", service.sid, account.account_sid, False)
    primary = primary_number(tenant)
    if primary is not None and (not account.via_master or primary.subaccount_id is None):
        return by_number(primary)
    number = numbers.order_by("phone_number").first()
    if number is not None:
        return by_number(number)
    if fallback:
        return Sender(channel, to, fallback, "", account.account_sid, True)
    raise SendRefused(
        "no_sender", "You have no phone number to send from yet; buy one on the Numbers page."
    )


# --- conversations ----------------------------------------------------------------------


def conversation_get_or_create(
    *, tenant_id: int, channel: str, contact_number: str, our_number: str
) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        tenant_id=tenant_id,
        channel=channel,
        contact_number=contact_number,
        our_number=our_number,
    )
    return conversation


def _thread_number_for(tenant: Tenant, channel: str, contact: str, sender: Sender) -> str:
    """The tenant's number a thread runs on; for service sends, the number already in use
    with this contact (sticky sender), else the primary number."""
    if sender.from_number:
        return sender.from_number
    existing = (
        Conversation.objects.for_tenant(tenant)
        .filter(channel=channel, contact_number=contact)
        .order_by("-last_message_at")
        .values_list("our_number", flat=True)
        .first()
    )
    if existing is not None:
        return existing
    primary = primary_number(tenant)
    return primary.phone_number if primary else ""


def conversation_touch(conversation: Conversation, message: Message) -> None:
    """Make `message` the thread's last one unless a newer one is already there."""
    if message.direction == Direction.INBOUND:
        Conversation.objects.filter(pk=conversation.pk).update(
            unread_count=F("unread_count") + 1, last_inbound_at=message.created_at
        )
    Conversation.objects.filter(
        Q(last_message__isnull=True) | Q(last_message_at__lte=message.created_at),
        pk=conversation.pk,
    ).update(last_message=message, last_message_at=message.created_at)


def whatsapp_window_closes_at(*, tenant_id: int, contact_number: str, our_number: str = "") -> Any:
    """When the WhatsApp customer-service window with this contact closes (None: closed)."""
    threads = Conversation.objects.for_tenant(tenant_id).filter(
        channel=Channel.WHATSAPP, contact_number=contact_number, last_inbound_at__isnull=False
    )
    if our_number:
        threads = threads.filter(our_number=our_number)
    last = threads.order_by("-last_inbound_at").values_list("last_inbound_at", flat=True).first()
    if last is None or last + WHATSAPP_WINDOW <= timezone.now():
        return None
    return last + WHATSAPP_WINDOW


def conversation_mark_read(*, conversation: Conversation) -> None:
    if conversation.unread_count:
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=0)
        conversation.unread_count = 0


# --- sending ----------------------------------------------------------------------------


def _clean_media(media_urls: Iterable[str]) -> list[str]:
    urls = [u.strip() for u in media_urls or [] if u and u.strip()]
    if len(urls) > MAX_MEDIA:
        raise ValidationError({"media_urls": f"At most {MAX_MEDIA} media URLs per message."})
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError({"media_urls": f"{url} is not an http(s) URL."})
    return urls


def _clean_content(content_sid: str, content_variables: Mapping[str, Any] | None) -> dict:
    variables = dict(content_variables or {})
    if variables and not content_sid:
        raise ValidationError({"content_variables": "Content variables need a content_sid."})
    if content_sid and not (
        len(content_sid) == 34
        and content_sid.startswith("HX")
        and all(c in "0123456789abcdefABCDEF" for c in content_sid[2:])
    ):
        raise ValidationError({"content_sid": "A content SID looks like HX followed by 32 hex."})
    return {str(k): str(v) for k, v in variables.items()}


def message_send(
    *,
    tenant: Tenant,
    to: str,
    channel: str = Channel.SMS,
    body: str = "",
    media_urls: Sequence[str] = (),
    content_sid: str = "",
    content_variables: Mapping[str, Any] | None = None,
    from_: str = "",
    actor: Actor,
    origin: str = Message.Origin.API,
) -> Message:
    """Validate and queue an outbound message; the send task is enqueued on commit.

    Raises ValidationError (SendRefused for refusals with a reason code); nothing is stored then.
    """
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Choose one of {', '.join(Channel.values)}."})
    to_channel, to_raw = strip_channel(to)
    if to_channel == Channel.WHATSAPP and channel != Channel.WHATSAPP:
        raise ValidationError({"to": "A whatsapp: address needs channel whatsapp."})
    number = normalize_number(to_raw, "to")
    sender_number = normalize_number(strip_channel(from_)[1], "from") if from_ else ""
    body = body or ""
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            {"body": f"The body has {len(body)} characters; the limit is {MAX_BODY_CHARS}."}
        )
    media = _clean_media(media_urls)
    variables = _clean_content(content_sid, content_variables)
    if not body.strip() and not media and not content_sid:
        raise ValidationError({"body": "Write a message, attach media or choose a template."})

    account = _account_or_refuse(tenant)
    if is_opted_out(tenant.pk, number, channel):
        raise SendRefused(
            "recipient_opted_out",
            f"{number} has opted out (replied STOP) of your {Channel(channel).label} messages; "
            "they must reply START before you can message them again.",
            "to",
        )
    sender = select_sender(
        tenant=tenant, channel=channel, to=number, from_=sender_number, account=account
    )
    compliance_gate(tenant, sender)
    if (
        channel == Channel.WHATSAPP
        and not content_sid
        and whatsapp_window_closes_at(
            tenant_id=tenant.pk, contact_number=number, our_number=sender.from_number
        )
        is None
    ):
        raise SendRefused(
            "whatsapp_window_closed",
            f"{number} has not written to you in the last 24 hours, so WhatsApp allows only an "
            "approved template (content_sid) now.",
            "content_sid",
        )

    estimate = message_estimate(
        tenant=None,
        body=body,
        channel=channel,
        to=number,
        media_urls=media,
        content_sid=content_sid,
    )
    info = estimate.info
    now = timezone.now()
    with transaction.atomic():
        conversation = conversation_get_or_create(
            tenant_id=tenant.pk,
            channel=channel,
            contact_number=number,
            our_number=_thread_number_for(tenant, channel, number, sender),
        )
        message = Message.objects.create(
            tenant=tenant,
            conversation=conversation,
            direction=Direction.OUTBOUND,
            channel=channel,
            origin=origin,
            from_number=sender.from_number,
            to_number=number,
            body=body,
            media_urls=media,
            content_sid=content_sid,
            content_variables=variables,
            messaging_service_sid=sender.messaging_service_sid,
            account_sid=sender.account_sid,
            via_master=sender.via_master,
            status=Status.QUEUED,
            status_rank=STATUS_RANK[Status.QUEUED],
            segments=info.segments if channel == Channel.SMS else 1,
            encoding=info.encoding if channel == Channel.SMS else "",
            estimated_price=estimate.estimated_price,
            created_by=actor.user,
            actor_label=actor.label,
            created_at=now,
            updated_at=now,
        )
        conversation_touch(conversation, message)
        message_id = str(message.pk)
        transaction.on_commit(lambda: _enqueue_send(message_id))
    return message


def _enqueue_send(message_id: str) -> None:
    from messaging.tasks import send_message_task

    send_message_task.delay(message_id)


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


def _mark_failed(message: Message, *, code: int | None, text: str) -> None:
    now = timezone.now()
    message.status = Status.FAILED
    message.status_rank = STATUS_RANK[Status.FAILED]
    message.error_code = code
    message.error_message = text
    message.failed_at = now
    message.updated_at = now
    message.save(
        update_fields=[
            "status",
            "status_rank",
            "error_code",
            "error_message",
            "failed_at",
            "updated_at",
            "send_attempts",
        ]
    )
    events.emit_message_status(message)


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


@dataclass(frozen=True)
class DispatchResult:
    outcome: str
    sid: str | None = None


def message_dispatch(message_id: str) -> DispatchResult:
    """Hand one queued message to Twilio, exactly once. Raises RetryableGatewayError (after
    recording the attempt) when Twilio or the network failed temporarily."""
    from messaging.statuses import apply_pending_events

    retry_error: gateway.RetryableGatewayError | None = None
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("tenant").filter(pk=message_id)
        ).first()
        if message is None:
            return DispatchResult("missing")
        if message.sid or message.status != Status.QUEUED:
            return DispatchResult("already_handled", message.sid)
        if is_opted_out(message.tenant_id, message.to_number, message.channel):
            _mark_failed(
                message,
                code=OPTED_OUT_CODE,
                text="Not sent: the recipient opted out (STOP) before the message went out.",
            )
            return DispatchResult("opted_out")
        try:
            account = tenant_account(message.tenant)
            client = account.client()
        except NoTwilioAccount as err:
            _mark_failed(message, code=None, text=f"Not sent: {err}")
            return DispatchResult("no_account")
        try:
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
        except gateway.RetryableGatewayError as err:
            message.error_message = f"Retrying: {err.message}"
            message.updated_at = timezone.now()
            message.save(update_fields=["send_attempts", "error_message", "updated_at"])
            retry_error = err
        except gateway.GatewayError as err:
            _mark_failed(message, code=err.code, text=err.message)
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
        else:
            _store_result(message, result)
            apply_pending_events(message)
            return DispatchResult("adopted" if earlier else "sent", message.sid)
    raise retry_error


def message_fail_after_retries(message_id: str, error: gateway.GatewayError) -> None:
    """Retries ran out: the message is failed with the last temporary error."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.sid or message.status != Status.QUEUED:
            return
        _mark_failed(message, code=error.code, text=f"Gave up after retries: {error.message}")


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


# --- opt-outs and the consent ledger ----------------------------------------------------


def is_opted_out(tenant_id: int, number: str, channel: str) -> bool:
    """One unique-index probe: (tenant, number, channel)."""
    return OptOut.objects.filter(tenant_id=tenant_id, number=number, channel=channel).exists()


def _cancel_pending_sends(tenant_id: int, number: str, channel: str) -> int:
    """Fail queued messages to a number that just opted out. Locking them waits for any send
    in flight, so once the opt-out commits nothing more goes out to that number."""
    pending = list(
        Message.objects.select_for_update()
        .filter(
            tenant_id=tenant_id,
            to_number=number,
            channel=channel,
            direction=Direction.OUTBOUND,
            status=Status.QUEUED,
            sid__isnull=True,
        )
        .order_by("pk")
    )
    for message in pending:
        _mark_failed(
            message,
            code=OPTED_OUT_CODE,
            text="Not sent: the recipient opted out (STOP) before the message went out.",
        )
    return len(pending)


def optout_add(
    *,
    tenant: Tenant,
    number: str,
    channel: str,
    source: str,
    actor: Actor,
    keyword: str = "",
    reason: str = "",
    message: Message | None = None,
) -> tuple[OptOut, bool]:
    """Suppress a number (idempotent); the ledger and tenant webhooks hear of a new one."""
    if channel not in Channel.values:
        raise ValidationError({"channel": f"Choose one of {', '.join(Channel.values)}."})
    number = normalize_number(number, "number")
    with transaction.atomic():
        _cancel_pending_sends(tenant.pk, number, channel)
        try:
            with transaction.atomic():
                optout = OptOut.objects.create(
                    tenant=tenant,
                    number=number,
                    channel=channel,
                    source=source,
                    keyword=keyword[:32],
                    reason=reason[:500],
                    created_by=actor.user,
                    actor_label="contact" if source == OptOut.Source.KEYWORD else actor.label,
                )
        except IntegrityError:
            existing = OptOut.objects.get(tenant=tenant, number=number, channel=channel)
            return existing, False
        ConsentEvent.objects.create(
            tenant=tenant,
            number=number,
            channel=channel,
            action=ConsentEvent.Action.OPT_OUT,
            source=source,
            keyword=keyword[:32],
            reason=reason[:500],
            actor_label=actor.label if source != OptOut.Source.KEYWORD else "contact",
            message=message,
        )
        if source in (OptOut.Source.MANUAL, OptOut.Source.IMPORT):
            record_audit(
                tenant=tenant,
                actor=actor,
                action="optout.added",
                target=optout,
                changes={"number": number, "channel": channel, "reason": reason},
            )
        events.emit_optout_changed(
            tenant_id=tenant.pk,
            number=number,
            channel=channel,
            opted_out=True,
            source=source,
            keyword=keyword,
        )
    return optout, True


def optout_remove(
    *,
    tenant: Tenant,
    number: str,
    channel: str,
    source: str,
    actor: Actor,
    keyword: str = "",
    reason: str = "",
    message: Message | None = None,
) -> bool:
    """Lift a suppression (START or by hand); the opt-in is recorded in the ledger even when
    the number was not suppressed, since it is still the contact's consent."""
    with transaction.atomic():
        deleted, _ = (
            OptOut.objects.for_tenant(tenant).filter(number=number, channel=channel).delete()
        )
        ConsentEvent.objects.create(
            tenant=tenant,
            number=number,
            channel=channel,
            action=ConsentEvent.Action.OPT_IN,
            source=source,
            keyword=keyword[:32],
            reason=reason[:500],
            actor_label=actor.label if source != OptOut.Source.KEYWORD else "contact",
            message=message,
        )
        if source == OptOut.Source.MANUAL:
            record_audit(
                tenant=tenant,
                actor=actor,
                action="optout.removed",
                changes={"number": number, "channel": channel, "reason": reason},
            )
        if deleted:
            events.emit_optout_changed(
                tenant_id=tenant.pk,
                number=number,
                channel=channel,
                opted_out=False,
                source=source,
                keyword=keyword,
            )
    return bool(deleted)


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def optout_import(
    *, tenant: Tenant, rows: Iterable[Mapping[str, str]], actor: Actor, max_rows: int = 50_000
) -> ImportResult:
    """Import rows with `number` (and optional `channel`, `reason`); bad rows are reported by
    line and skipped, good ones are added."""
    result = ImportResult()
    for line, row in enumerate(rows, start=2):
        if line - 1 > max_rows:
            result.errors.append((line, f"Only {max_rows} rows are imported at a time."))
            break
        raw_number = (row.get("number") or row.get("phone") or "").strip()
        channel = (row.get("channel") or Channel.SMS).strip().lower() or Channel.SMS
        if not raw_number:
            result.errors.append((line, "No number."))
            continue
        try:
            _, created = optout_add(
                tenant=tenant,
                number=raw_number,
                channel=channel,
                source=OptOut.Source.IMPORT,
                reason=(row.get("reason") or "").strip(),
                actor=actor,
            )
        except ValidationError as err:
            result.errors.append((line, " ".join(err.messages)))
            continue
        if created:
            result.added += 1
        else:
            result.already += 1
    return result


# --- keyword replies --------------------------------------------------------------------


def messaging_settings_for(tenant: Tenant) -> MessagingSettings:
    settings_row, _ = MessagingSettings.objects.get_or_create(tenant=tenant)
    return settings_row


def default_replies(tenant: Tenant) -> dict[str, str]:
    profile = getattr(tenant, "profile", None)
    name = (profile.dba_name or profile.legal_name) if profile else ""
    name = name or tenant.name
    contact = ""
    if profile is not None:
        contact = profile.contact_email or profile.contact_phone or profile.website
    help_contact = f" contact {contact}" if contact else " reply to this message"
    return {
        "opt_out_reply": f"{name}: You are unsubscribed and will receive no more messages. "
        "Reply START to resubscribe.",
        "opt_in_reply": f"{name}: You are subscribed again. Msg&data rates may apply. "
        "Reply STOP to unsubscribe.",
        "help_reply": f"{name}: For help,{help_contact}. Msg&data rates may apply. "
        "Reply STOP to unsubscribe.",
    }


def keyword_reply(tenant: Tenant, kind: str) -> str:
    """The tenant's configured reply of `kind` (opt_out_reply, opt_in_reply, help_reply)."""
    configured = getattr(messaging_settings_for(tenant), kind)
    return configured or default_replies(tenant)[kind]


def messaging_settings_update(
    *, tenant: Tenant, data: Mapping[str, str], actor: Actor
) -> MessagingSettings:
    row = messaging_settings_for(tenant)
    changes = {}
    for name in ("opt_out_reply", "opt_in_reply", "help_reply"):
        if name in data:
            value = (data[name] or "").strip()
            if len(value) > 320:
                raise ValidationError({name: "Keep replies to 320 characters (two segments)."})
            if value != getattr(row, name):
                changes[name] = [getattr(row, name), value]
                setattr(row, name, value)
    if changes:
        with transaction.atomic():
            row.save()
            record_audit(
                tenant=tenant,
                actor=actor,
                action="messaging_settings.updated",
                target=row,
                changes=changes,
            )
    return row


def record_reply(
    *, tenant: Tenant, conversation: Conversation, inbound: Message, body: str
) -> Message:
    """Store a keyword auto-reply answered as TwiML (Twilio sends it; no SID comes back)."""
    now = timezone.now()
    reply = Message.objects.create(
        tenant=tenant,
        conversation=conversation,
        direction=Direction.OUTBOUND,
        channel=inbound.channel,
        origin=Message.Origin.AUTO_REPLY,
        from_number=inbound.to_number,
        to_number=inbound.from_number,
        body=body,
        account_sid=inbound.account_sid,
        status=Status.SENT,
        status_rank=STATUS_RANK[Status.SENT],
        segments=segment_info(body).segments if inbound.channel == Channel.SMS else 1,
        encoding=segment_info(body).encoding if inbound.channel == Channel.SMS else "",
        actor_label="auto-reply",
        created_at=now,
        updated_at=now,
        sent_at=now,
    )
    conversation_touch(conversation, reply)
    return reply


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
