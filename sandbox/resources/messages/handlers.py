"""api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages and their Media."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sandbox.core import cache, formats
from sandbox.core.auth import account_for_path
from sandbox.core.errors import TwilioError, invalid_param, not_found
from sandbox.core.models import Account
from sandbox.core.paging import v2010_page
from sandbox.core.request import SandboxRequest, one
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.content import render
from sandbox.resources.messages import magic, segments
from sandbox.resources.messages.dates import date_filter
from sandbox.resources.messages.models import Media, Message, OptOut
from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.phone_numbers.models import PhoneNumber

API = "/2010-04-01/Accounts/{AccountSid}"
MAX_BODY = 1600
MAX_MEDIA = 10
SCHEDULE_MIN = dt.timedelta(minutes=5)
SCHEDULE_MAX = dt.timedelta(days=35)
FIRST_STEP = dt.timedelta(seconds=1)
_ALPHA_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
_IN_PROGRESS = {
    Message.Status.ACCEPTED,
    Message.Status.SCHEDULED,
    Message.Status.QUEUED,
    Message.Status.SENDING,
    Message.Status.RECEIVING,
}


def message_json(message: Message, account_sid: str) -> dict:
    base = f"/2010-04-01/Accounts/{account_sid}/Messages/{message.sid}"
    accepted = message.status in (Message.Status.ACCEPTED, Message.Status.SCHEDULED)
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": message.body,
        "date_created": formats.rfc2822(message.date_created),
        "date_sent": formats.rfc2822(message.date_sent),
        "date_updated": formats.rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": message.error_message or None,
        "from": message.from_address or None,
        "messaging_service_sid": message.messaging_service_sid or None,
        "num_media": str(message.num_media),
        "num_segments": "0" if accepted else str(message.num_segments),
        "price": formats.price(message.price),
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{base}/Media.json", "feedback": f"{base}/Feedback.json"},
        "to": message.to_address,
        "uri": f"{base}.json",
    }


def media_json(media: Media, message_sid: str, account_sid: str) -> dict:
    return {
        "account_sid": account_sid,
        "content_type": media.content_type,
        "date_created": formats.rfc2822(media.date_created),
        "date_updated": formats.rfc2822(media.date_updated),
        "parent_sid": message_sid,
        "sid": media.sid,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{message_sid}/Media/{media.sid}.json",
    }


def guess_content_type(url: str) -> str:
    path = urlsplit(url).path.lower()
    for ext, kind in (
        (".jpg", "image/jpeg"),
        (".jpeg", "image/jpeg"),
        (".png", "image/png"),
        (".gif", "image/gif"),
        (".pdf", "application/pdf"),
        (".mp4", "video/mp4"),
        (".vcf", "text/vcard"),
    ):
        if path.endswith(ext):
            return kind
    return "application/octet-stream"


def _valid_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True)
class NumberInfo:
    """What the create path needs to know about a number an account owns."""

    phone_number: str
    sms_capable: bool
    service_sid: str
    service_status_callback: str


@dataclass(frozen=True)
class ServiceInfo:
    sid: str
    status_callback: str
    sticky_sender: bool
    area_code_geomatch: bool
    numbers: tuple[NumberInfo, ...]
    whatsapp: frozenset[str]


@dataclass
class Sender:
    """Who sends: the address, the opt-out scope, and the service used (if any)."""

    address: str
    scope: str
    service_sid: str = ""
    status_callback: str = ""


def _number_info(number: PhoneNumber) -> NumberInfo:
    membership = getattr(number, "service_membership", None)
    service = membership.service if membership is not None else None
    return NumberInfo(
        number.phone_number,
        number.sms_capable,
        service.sid if service else "",
        service.status_callback if service else "",
    )


def owned_number(state, account_id: int, phone_number: str) -> NumberInfo | None:
    def load() -> NumberInfo | None:
        number = one(
            PhoneNumber.objects.select_related("service_membership__service").filter(
                account_id=account_id, phone_number=phone_number
            )
        )
        return _number_info(number) if number is not None else None

    return cache.get(state, ("number", account_id, phone_number), load)


def whatsapp_sender(state, account_id: int, phone_number: str) -> bool:
    return cache.get(
        state,
        ("whatsapp", account_id, phone_number),
        lambda: WhatsAppSender.objects.filter(
            account_id=account_id, phone_number=phone_number, status=WhatsAppSender.Status.ONLINE
        ).exists(),
    )


def service_info(state, account_id: int, service_sid: str) -> ServiceInfo | None:
    def load() -> ServiceInfo | None:
        service = one(MessagingService.objects.filter(sid=service_sid, account_id=account_id))
        if service is None:
            return None
        numbers = [
            _number_info(n)
            for n in PhoneNumber.objects.select_related("service_membership__service")
            .filter(service_membership__service=service)
            .order_by("phone_number")
        ]
        whatsapp = frozenset(
            WhatsAppSender.objects.filter(
                account_id=account_id,
                phone_number__in=[n.phone_number for n in numbers],
                status=WhatsAppSender.Status.ONLINE,
            ).values_list("phone_number", flat=True)
        )
        return ServiceInfo(
            service.sid,
            service.status_callback,
            service.sticky_sender,
            service.area_code_geomatch,
            tuple(numbers),
            whatsapp,
        )

    return cache.get(state, ("service", account_id, service_sid), load)


def _pick(pool: list[NumberInfo], to_number: str, service: ServiceInfo, salt: str) -> NumberInfo:
    """A sender from the pool: same area code first (geomatch), then stable per recipient."""
    if service.area_code_geomatch and to_number.startswith("+1"):
        pool = [n for n in pool if n.phone_number[:5] == to_number[:5]] or pool
    key = to_number if service.sticky_sender else salt
    return pool[int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % len(pool)]


def _sender_from(
    req: SandboxRequest, account: Account, from_: str, to_channel: str, to_number: str
) -> Sender:
    channel, number = formats.split_channel(from_)
    if channel != to_channel:
        raise TwilioError(
            21910, 400, "Invalid From and To pair. From and To should be of the same channel"
        )
    if channel == "whatsapp":
        if not whatsapp_sender(req.state, account.id, number):
            raise TwilioError(
                63007,
                400,
                f"Twilio could not find a Channel with the specified From address: {from_}",
            )
        owned = owned_number(req.state, account.id, number)
        service_sid = owned.service_sid if owned else ""
        return Sender(from_, service_sid or from_, service_sid)
    if _ALPHA_SENDER.match(number):
        if to_number.startswith("+1"):
            raise TwilioError(
                21612,
                400,
                f"The 'To' phone number: {to_number}, is not currently reachable using the "
                f"'From' phone number: {number} via SMS.",
            )
        return Sender(number, number)
    owned = owned_number(req.state, account.id, number)
    if owned is None or not owned.sms_capable:
        raise TwilioError(
            21606,
            400,
            f"The From phone number {number} is not a valid, SMS-capable inbound phone "
            "number or short code for your account.",
        )
    return Sender(number, owned.service_sid or number, owned.service_sid)


def _sender_from_service(
    req: SandboxRequest, account: Account, service_sid: str, to: str, salt: str
) -> Sender:
    service = service_info(req.state, account.id, service_sid)
    if service is None:
        raise TwilioError(21701, 400, f"The Messaging Service Sid {service_sid} is invalid.")
    channel, to_number = formats.split_channel(to)
    if channel == "whatsapp":
        pool = [n for n in service.numbers if n.phone_number in service.whatsapp]
        if not pool:
            raise TwilioError(
                63007, 400, "The Messaging Service has no WhatsApp sender for this recipient"
            )
        chosen = _pick(pool, to_number, service, salt)
        address = f"whatsapp:{chosen.phone_number}"
    else:
        pool = [n for n in service.numbers if n.sms_capable]
        if not pool:
            raise TwilioError(21704, 400, "The Messaging Service contains no phone numbers")
        address = _pick(pool, to_number, service, salt).phone_number
    return Sender(address, service.sid, service.sid, service.status_callback)


def _schedule(req: SandboxRequest, has_service: bool) -> dt.datetime | None:
    schedule_type = req.get("ScheduleType")
    if schedule_type is None:
        return None
    if schedule_type != "fixed":
        raise invalid_param("ScheduleType", "ScheduleType must be 'fixed'")
    if not has_service:
        raise TwilioError(35118, 400, "MessagingServiceSid is required to schedule a message")
    raw = req.get("SendAt") or ""
    try:
        send_at = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise TwilioError(35114, 400, f"SendAt is not a valid ISO 8601 date-time: {raw}")
    if send_at.tzinfo is None:
        send_at = send_at.replace(tzinfo=dt.UTC)
    if not req.now + SCHEDULE_MIN < send_at <= req.now + SCHEDULE_MAX:
        raise TwilioError(
            35115, 400, "SendAt must be more than 5 minutes and at most 35 days in the future"
        )
    return send_at


@route("api", "POST", f"{API}/Messages.json", status=201, test_credentials=True)
def create_message(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    to = req.get("To")
    if not to:
        raise TwilioError(21604, 400, "A 'To' phone number is required.")
    body, media_urls, content_sid = _content(req, account)
    from_ = req.get("From")
    service_sid = req.get("MessagingServiceSid")
    if not from_ and not service_sid:
        raise TwilioError(21603, 400, "A 'From' phone number is required.")
    if req.test_credentials:
        message = magic.answer_test_send(req, to, from_ or "", body, media_urls)
        return message_json(message, account.test_sid)
    to_channel, to_number = _recipient(to)
    status_callback = req.get("StatusCallback") or ""
    if status_callback and not _valid_url(status_callback):
        raise TwilioError(21609, 400, f"The StatusCallback URL {status_callback} is not valid.")
    sid = new_sid("MM" if media_urls else "SM")
    if from_:
        sender = _sender_from(req, account, from_, to_channel, to_number)
        if service_sid:
            service = service_info(req.state, account.id, service_sid)
            if service is None:
                raise TwilioError(
                    21701, 400, f"The Messaging Service Sid {service_sid} is invalid."
                )
            sender.service_sid, sender.status_callback = service.sid, service.status_callback
    else:
        sender = _sender_from_service(req, account, service_sid, to, sid)
    if OptOut.objects.filter(address=to, scope=sender.scope).exists():
        raise TwilioError(21610, 400, "Attempt to send to unsubscribed recipient")
    send_at = _schedule(req, bool(service_sid))
    now = req.now
    channel = "whatsapp" if to_channel == "whatsapp" else ("mms" if media_urls else "sms")
    if send_at is not None:
        status, from_address, next_at = Message.Status.SCHEDULED, "", send_at
    elif service_sid and not from_:
        status, from_address, next_at = Message.Status.ACCEPTED, "", now + FIRST_STEP
    else:
        status, from_address, next_at = Message.Status.QUEUED, sender.address, now + FIRST_STEP
    message = Message.objects.create(
        sid=sid,
        account=account,
        messaging_service_sid=sender.service_sid if service_sid else "",
        from_address=from_address,
        sender=sender.address,
        to_address=to,
        body=body,
        status=status,
        direction=Message.Direction.OUTBOUND_API,
        channel=channel,
        num_segments=segments.count(body) if channel == "sms" else 1,
        num_media=len(media_urls),
        status_callback=status_callback or sender.status_callback,
        opt_scope=sender.scope,
        content_sid=content_sid,
        content_variables=req.get("ContentVariables") or "",
        date_created=now,
        date_updated=now,
        next_transition_at=next_at,
    )
    _store_media(message, media_urls)
    return message_json(message, account.sid)


def _content(req: SandboxRequest, account: Account) -> tuple[str, list[str], str]:
    """Body, media URLs and content template of a new message, checked as Twilio does; a
    content template is rendered with its variables (what Twilio lists as the body)."""
    body = req.get("Body") or ""
    media_urls = req.get_list("MediaUrl")
    content_sid = req.get("ContentSid") or ""
    if not body and not media_urls and not content_sid:
        raise TwilioError(21602, 400, "Message body is required.")
    if len(body) > MAX_BODY:
        raise TwilioError(
            21617, 400, "The concatenated message body exceeds the 1600 character limit."
        )
    if len(media_urls) > MAX_MEDIA:
        raise TwilioError(21623, 400, "The number of media files exceeds the limit of 10")
    if any(not _valid_url(url) for url in media_urls):
        raise TwilioError(21620, 400, "Invalid media URL(s)")
    raw_variables = req.get("ContentVariables") or ""
    if req.test_credentials:
        return body, media_urls, content_sid
    content = render.content_for_send(account, content_sid, raw_variables, body)
    if content is not None:
        channel = formats.split_channel(req.get("To") or "")[0]
        rendered = render.render(content, raw_variables, channel)
        body, media_urls = rendered.body, rendered.media_urls
    return body, media_urls, content_sid


def _recipient(to: str) -> tuple[str, str]:
    """(channel, number) of the `To` address; 21211 unless a valid address."""
    to_channel, to_number = formats.split_channel(to)
    if (to_channel != "whatsapp" and ":" in to) or not formats.is_e164(to_number):
        raise TwilioError(21211, 400, f"The 'To' number {to} is not a valid phone number.")
    return to_channel, to_number


def _store_media(message: Message, media_urls: list[str]) -> None:
    if media_urls:
        Media.objects.bulk_create(
            Media(
                sid=new_sid("ME"),
                message=message,
                content_type=guess_content_type(url),
                url=url,
                date_created=message.date_created,
                date_updated=message.date_created,
            )
            for url in media_urls
        )


@route("api", "GET", f"{API}/Messages.json")
def list_messages(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    messages = Message.objects.filter(account=account)
    if req.q("To") is not None:
        messages = messages.filter(to_address=req.q("To"))
    if req.q("From") is not None:
        messages = messages.filter(from_address=req.q("From"))
    messages = date_filter(messages, "date_sent", req, "DateSent")
    return v2010_page(
        req,
        "messages",
        messages.order_by("-date_created", "-id"),
        lambda m: message_json(m, account.sid),
    )


def _message(req: SandboxRequest, sid_param: str = "Sid") -> tuple[Account, Message]:
    account = account_for_path(req, req.arg("AccountSid"))
    message = Message.objects.filter(account=account, sid=req.arg(sid_param)).first()
    if message is None:
        raise not_found(req.path)
    return account, message


@route("api", "GET", f"{API}/Messages/{{Sid}}.json")
def fetch_message(req: SandboxRequest) -> dict:
    account, message = _message(req)
    return message_json(message, account.sid)


@route("api", "POST", f"{API}/Messages/{{Sid}}.json")
def update_message(req: SandboxRequest) -> dict:
    """Redact the body (`Body=""`) of a finished message, or cancel a scheduled one."""
    account, message = _message(req)
    status = req.get("Status")
    if status is not None:
        if status != Message.Status.CANCELED:
            raise invalid_param("Status", "Status can only be set to 'canceled'")
        if message.status != Message.Status.SCHEDULED:
            raise TwilioError(30409, 400, "Only scheduled messages can be canceled")
        message.status = Message.Status.CANCELED
        message.next_transition_at = None
    body = req.get("Body")
    if body is not None:
        if body != "":
            raise invalid_param("Body", "Body can only be updated to an empty string")
        if message.status in _IN_PROGRESS:
            raise TwilioError(20009, 400, "Cannot redact a message that is still in progress")
        message.body = ""
    message.date_updated = req.now
    message.save()
    return message_json(message, account.sid)


@route("api", "DELETE", f"{API}/Messages/{{Sid}}.json")
def delete_message(req: SandboxRequest) -> None:
    _, message = _message(req)
    if message.status in _IN_PROGRESS:
        raise TwilioError(20009, 400, "Cannot delete a message that is still in progress")
    message.delete()


@route("api", "GET", f"{API}/Messages/{{MessageSid}}/Media.json")
def list_media(req: SandboxRequest) -> dict:
    account, message = _message(req, "MessageSid")
    media = date_filter(message.media.all(), "date_created", req, "DateCreated")
    return v2010_page(
        req,
        "media_list",
        media.order_by("date_created", "id"),
        lambda m: media_json(m, message.sid, account.sid),
    )


def _media(req: SandboxRequest) -> tuple[Account, Message, Media]:
    account, message = _message(req, "MessageSid")
    media = message.media.filter(sid=req.arg("Sid")).first()
    if media is None:
        raise not_found(req.path)
    return account, message, media


@route("api", "GET", f"{API}/Messages/{{MessageSid}}/Media/{{Sid}}.json")
def fetch_media(req: SandboxRequest) -> dict:
    account, message, media = _media(req)
    return media_json(media, message.sid, account.sid)


@route("api", "DELETE", f"{API}/Messages/{{MessageSid}}/Media/{{Sid}}.json")
def delete_media(req: SandboxRequest) -> None:
    _, message, media = _media(req)
    media.delete()
    message.num_media = max(message.num_media - 1, 0)
    message.save(update_fields=["num_media"])
