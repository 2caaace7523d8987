"""How messages move on the sandbox clock, and the callbacks each move causes.

Outbound: (scheduled|accepted ->) queued -> sending -> sent -> delivered | undelivered,
or failed (opt-out, WhatsApp window, magic number). Inbound: receiving -> received, with
opt-out keywords handled and the inbound webhook posted. No callback for the initial status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.db import transaction

from sandbox.core import callbacks, formats, hooks, usage
from sandbox.core.lifecycle import on_tick
from sandbox.core.models import Callback
from sandbox.core.sids import new_sid
from sandbox.core.state import load_state
from sandbox.resources.messages import magic, segments
from sandbox.resources.messages.handlers import guess_content_type
from sandbox.resources.messages.inbound import (
    REPLIES,
    InboundError,
    destination,
    keyword_type,
    service_of,
)
from sandbox.resources.messages.models import Media, Message, OptOut
from sandbox.resources.messages.window import session_open
from sandbox.resources.messaging_services.models import MessagingService

logger = logging.getLogger("sandbox.messages")

S = Message.Status
BATCH = 500
MAX_PASSES = 100
STEP = dt.timedelta(seconds=1)
DELIVERY_DELAY = dt.timedelta(seconds=2)
_USAGE = {
    ("sms", True): "sms-outbound",
    ("sms", False): "sms-inbound",
    ("mms", True): "mms-outbound",
    ("mms", False): "mms-inbound",
    ("whatsapp", True): "channels-whatsapp-outbound",
    ("whatsapp", False): "channels-whatsapp-inbound",
}
_ERROR_TEXT = {
    21610: "Attempt to send to unsubscribed recipient",
    63016: "Failed to send freeform message because you are outside the allowed window. "
    "If you are using WhatsApp, please use a Message Template.",
}


def _units(message: Message) -> int:
    return message.num_segments if message.channel == "sms" else 1


def _charge(message: Message) -> tuple[Decimal, str]:
    category = _USAGE[(message.channel, message.outbound)]
    return -(usage.PRICES[category] * _units(message)), category


def status_callback(message: Message, at: dt.datetime) -> Callback | None:
    """The status callback of the message's current status (None without a callback URL)."""
    if not message.status_callback:
        return None
    params = [
        ("AccountSid", message.account.sid),
        ("ApiVersion", "2010-04-01"),
        ("From", message.from_address or message.sender),
        ("MessageSid", message.sid),
        ("MessageStatus", message.status),
        ("SmsSid", message.sid),
        ("SmsStatus", message.status),
        ("To", message.to_address),
    ]
    if message.messaging_service_sid:
        params.append(("MessagingServiceSid", message.messaging_service_sid))
    if message.error_code:
        params += [
            ("ErrorCode", str(message.error_code)),
            ("ErrorMessage", message.error_message),
        ]
    if message.status in (S.DELIVERED, S.UNDELIVERED):
        params.append(("RawDlrDoneDate", at.strftime("%y%m%d%H%M")))
    if message.channel == "whatsapp":
        params += [
            ("ChannelPrefix", "whatsapp"),
            ("ChannelToAddress", formats.split_channel(message.to_address)[1]),
        ]
        if message.status in (S.DELIVERED, S.READ):
            params.append(("EventType", str(message.status).upper()))
    return callbacks.build(
        kind="message-status",
        account_sid=message.account.sid,
        url=message.status_callback,
        params=params,
        due_at=at,
        resource_sid=message.sid,
    )


class _Tick:
    """One batch of due messages: collects the callbacks, usage and replies it causes."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.state = load_state()
        self.callbacks: list[Callback] = []
        self.usage = []
        self.opted_out: set[tuple[str, str]] = set()

    def load_opt_outs(self, messages: list[Message]) -> None:
        addresses = {m.to_address for m in messages if m.outbound and not m.free}
        if addresses:
            self.opted_out = set(
                OptOut.objects.filter(address__in=addresses).values_list("address", "scope")
            )

    def status_callback(self, message: Message, at: dt.datetime) -> None:
        callback = status_callback(message, at)
        if callback is not None:
            self.callbacks.append(callback)

    def fail(self, message: Message, code: int, text: str) -> None:
        message.status = S.FAILED
        message.error_code, message.error_message = code, text
        message.next_transition_at = None

    def queue_failure(self, message: Message) -> tuple[int, str] | None:
        if message.free:
            return None
        if (message.to_address, message.opt_scope) in self.opted_out:
            return 21610, _ERROR_TEXT[21610]
        to_number = formats.split_channel(message.to_address)[1]
        planned = magic.DELIVERY_FAILURES_TO.get(to_number)
        if planned and planned[0] == S.FAILED:
            return planned[1], planned[2]
        at = message.next_transition_at
        free_form = message.channel == "whatsapp" and not message.content_sid
        if free_form and not session_open(message.to_address, message.sender, at):
            return 63016, _ERROR_TEXT[63016]
        # Rules other modules add (the carriers' 10DLC registration rule, 30034).
        return hooks.ask("message_queued", message=message)

    def delivery_failure(self, message: Message) -> tuple[int, str] | None:
        to_number = formats.split_channel(message.to_address)[1]
        planned = magic.DELIVERY_FAILURES_TO.get(to_number)
        if planned and planned[0] == S.UNDELIVERED:
            return planned[1], planned[2]
        rate = self.state.delivery_failure_rate
        if rate > 0 and not message.free:
            draw = int(hashlib.sha1(message.sid.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
            if draw < rate:
                return magic.RATE_FAILURES[int(message.sid[-2:], 16) % len(magic.RATE_FAILURES)]
        return None

    def step_outbound(self, message: Message) -> None:
        at = message.next_transition_at
        if message.status in (S.SCHEDULED, S.ACCEPTED):
            message.status = S.QUEUED
            message.from_address = message.sender
            message.next_transition_at = at + STEP
        elif message.status == S.QUEUED:
            failure = self.queue_failure(message)
            if failure:
                self.fail(message, *failure)
            else:
                message.status = S.SENDING
                message.next_transition_at = at + STEP
        elif message.status == S.SENDING:
            message.status = S.SENT
            message.date_sent = at
            message.next_transition_at = at + DELIVERY_DELAY
            if message.free:
                message.price = Decimal(0)
            else:
                message.price, category = _charge(message)
                self.usage.append(
                    usage.entry(
                        message.account.sid,
                        category,
                        at,
                        units=_units(message),
                        resource_sid=message.sid,
                    )
                )
        elif message.status == S.SENT:
            failure = self.delivery_failure(message)
            if failure:
                message.status = S.UNDELIVERED
                message.error_code, message.error_message = failure
            else:
                message.status = S.DELIVERED
            message.next_transition_at = None
        else:
            message.next_transition_at = None
            return
        message.date_updated = at
        self.status_callback(message, at)

    def receive(self, message: Message) -> None:
        """receiving -> received: opt-out keywords, the reply, the inbound webhook, usage."""
        at = message.next_transition_at
        message.status = S.RECEIVED
        message.date_sent = at
        message.date_updated = at
        message.next_transition_at = None
        message.price, category = _charge(message)
        self.usage.append(
            usage.entry(
                message.account.sid, category, at, units=_units(message), resource_sid=message.sid
            )
        )
        try:
            phone, sender = destination(message.to_address)
        except InboundError:
            logger.warning("inbound %s: %s no longer exists", message.sid, message.to_address)
            return
        service = service_of(phone)
        opt_out_type = self.keywords(message, service, at)
        if sender is not None and sender.callback_url:
            url, method = sender.callback_url, sender.callback_method
        elif service is not None and not service.use_inbound_webhook_on_number:
            url, method = service.inbound_request_url, service.inbound_method
        elif phone is not None:
            url, method = phone.sms_url, phone.sms_method
        else:
            url, method = "", "POST"
        if url:
            self.callbacks.append(
                callbacks.build(
                    kind="inbound-message",
                    account_sid=message.account.sid,
                    url=url,
                    method=method,
                    params=inbound_params(message, opt_out_type),
                    due_at=at,
                    resource_sid=message.sid,
                )
            )

    def keywords(self, message: Message, service, at: dt.datetime) -> str | None:
        """Twilio's opt-out handling; returns `OptOutType` for Advanced Opt-Out services."""
        keyword = keyword_type(message.body)
        advanced = service is not None and service.advanced_opt_out
        if keyword is None or (message.channel == "whatsapp" and not advanced):
            return None
        scope = service.sid if service is not None else message.to_address
        if keyword == "STOP":
            OptOut.objects.get_or_create(
                address=message.from_address,
                scope=scope,
                defaults={"account_sid": message.account.sid, "date_created": at},
            )
            self.opted_out.add((message.from_address, scope))
        elif keyword == "START":
            OptOut.objects.filter(address=message.from_address, scope=scope).delete()
            self.opted_out.discard((message.from_address, scope))
        reply(message, REPLIES[keyword], at, free=True)
        return keyword if advanced else None


def inbound_params(message: Message, opt_out_type: str | None) -> list[tuple[str, str]]:
    account_sid = message.account.sid
    params = [
        ("AccountSid", account_sid),
        ("ApiVersion", "2010-04-01"),
        ("Body", message.body),
        ("From", message.from_address),
        ("MessageSid", message.sid),
        ("NumMedia", str(message.num_media)),
        ("NumSegments", str(message.num_segments)),
        ("SmsMessageSid", message.sid),
        ("SmsSid", message.sid),
        ("SmsStatus", "received"),
        ("To", message.to_address),
    ]
    for prefix, address in (("From", message.from_address), ("To", message.to_address)):
        number = formats.split_channel(address)[1]
        country = "US" if number.startswith("+1") else ""
        params += [
            (f"{prefix}City", ""),
            (f"{prefix}Country", country),
            (f"{prefix}State", ""),
            (f"{prefix}Zip", ""),
        ]
    if message.messaging_service_sid:
        params.append(("MessagingServiceSid", message.messaging_service_sid))
    for index, media in enumerate(message.media.all()):
        params += [
            (
                f"MediaUrl{index}",
                f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages/"
                f"{message.sid}/Media/{media.sid}",
            ),
            (f"MediaContentType{index}", media.content_type),
        ]
    if message.channel == "whatsapp":
        handset = formats.split_channel(message.from_address)[1]
        params += [("ProfileName", f"Handset {handset}"), ("WaId", handset.lstrip("+"))]
        if message.button_text:
            params += [
                ("ButtonPayload", message.button_payload),
                ("ButtonText", message.button_text),
            ]
        if message.replied_message_sid:
            params += [
                ("OriginalRepliedMessageSender", message.to_address),
                ("OriginalRepliedMessageSid", message.replied_message_sid),
            ]
    if opt_out_type:
        params.append(("OptOutType", opt_out_type))
    return params


def reply(
    inbound: Message,
    body: str,
    at: dt.datetime,
    *,
    free: bool = False,
    media_urls: list[str] | None = None,
    to: str | None = None,
    from_: str | None = None,
    status_callback: str = "",
) -> Message:
    """An `outbound-reply` message from the platform number back to the handset."""
    media_urls = media_urls or []
    service = None
    if inbound.messaging_service_sid and not status_callback and not free:
        service = MessagingService.objects.filter(sid=inbound.messaging_service_sid).first()
    sender = from_ or inbound.to_address
    message = Message.objects.create(
        sid=new_sid("MM" if media_urls else "SM"),
        account=inbound.account,
        messaging_service_sid=inbound.messaging_service_sid,
        from_address=sender,
        sender=sender,
        to_address=to or inbound.from_address,
        body=body,
        status=S.QUEUED,
        direction=Message.Direction.OUTBOUND_REPLY,
        channel=inbound.channel if not media_urls or inbound.channel == "whatsapp" else "mms",
        num_segments=segments.count(body) if inbound.channel == "sms" and not media_urls else 1,
        num_media=len(media_urls),
        free=free,
        status_callback=status_callback or (service.status_callback if service else ""),
        opt_scope=inbound.messaging_service_sid or sender,
        date_created=at,
        date_updated=at,
        next_transition_at=at + STEP,
    )
    Media.objects.bulk_create(
        Media(
            sid=new_sid("ME"),
            message=message,
            content_type=guess_content_type(url),
            url=url,
            date_created=at,
            date_updated=at,
        )
        for url in media_urls
    )
    return message


def _process(due: list[Message], now: dt.datetime) -> None:
    tick = _Tick(now)
    tick.load_opt_outs(due)
    for message in due:
        if message.status == S.RECEIVING:
            tick.receive(message)
        else:
            tick.step_outbound(message)
    Message.objects.bulk_update(
        due,
        [
            "status",
            "from_address",
            "date_sent",
            "date_updated",
            "price",
            "error_code",
            "error_message",
            "next_transition_at",
        ],
    )
    callbacks.enqueue(tick.callbacks)
    usage.record(tick.usage)


@on_tick(order=20)
def advance_messages(now: dt.datetime) -> int:
    """Move every message whose next transition is due, repeatedly, until none is."""
    moved = 0
    for _ in range(MAX_PASSES):
        with transaction.atomic():
            due = list(
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("account")
                .filter(next_transition_at__lte=now)
                .order_by("next_transition_at", "id")[:BATCH]
            )
            if not due:
                break
            _process(due, now)
        moved += len(due)
    return moved


@callbacks.on_response("inbound-message")
def send_twiml_replies(cb: Callback, status: int, text: str, now: dt.datetime) -> None:
    """The platform answered the inbound webhook with TwiML: send its `<Message>` replies."""
    if not text.strip().startswith("<"):
        return
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        logger.warning("inbound %s: the webhook answered invalid TwiML", cb.resource_sid)
        return
    if root.tag != "Response":
        return
    inbound = Message.objects.select_related("account").filter(sid=cb.resource_sid).first()
    if inbound is None:
        return
    for element in root.iter("Message"):
        body_element = element.find("Body")
        body = (body_element.text if body_element is not None else element.text) or ""
        media = [m.text.strip() for m in element.findall("Media") if m.text]
        if not body.strip() and not media:
            continue
        reply(
            inbound,
            body.strip(),
            now,
            media_urls=media,
            to=element.get("to"),
            from_=element.get("from"),
            status_callback=element.get("action") or element.get("statusCallback") or "",
        )
