"""Sending a message: validate it completely, then store it and enqueue its send on commit.

The checks run in this order, and the first that fails raises (nothing is stored then):
channel and addresses, body/media/template, the template itself (approved, every variable
given: `template_sends`), the Twilio account, the recipient's opt-out, the sender, the 10DLC
gate, the WhatsApp window (outside it only a template; the refusal lists the approved ones),
then the tenant's spending limit and sending quota (the billing app's, through
`messaging.services.admission`).
Then the `Message` is committed and the send task enqueued on commit: a transactional
outbox, so a crash between the two loses nothing (the sweeper re-enqueues what stayed
queued). `dispatch` is the other half.

Kept lean (the API's sends are hot): a sender that passed the account, sender and gate
checks a moment ago is remembered (`sender_cache`), and an API, batch or broadcast send is
put into its conversation by its send task (`conversations.message_thread`), not here.
`batch` checks and stores many drafts with the same pieces.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from content.models import MessageTemplate
from messaging import enqueue
from messaging.gate import compliance_gate
from messaging.models import STATUS_RANK, Channel, Direction, Message, Status
from messaging.segments import MAX_BODY_CHARS
from messaging.services import admission
from messaging.services.common import (
    SendRefused,
    check_channel,
    normalize_number,
    number_region,
    strip_channel,
)
from messaging.services.conversations import (
    conversation_get_or_create,
    conversation_touch,
    thread_number_for,
    whatsapp_window_closes_at,
)
from messaging.services.estimates import Estimate, message_estimate
from messaging.services.optouts import is_opted_out
from messaging.services.sender_cache import cached_sender, remember_sender
from messaging.services.senders import Sender, account_or_refuse, select_sender
from messaging.services.template_sends import (
    clean_template_variables,
    template_for_send,
    window_closed_refusal,
)
from tenants.models import Tenant
from tenants.services import Actor

MAX_MEDIA = 10


@dataclass(frozen=True)
class Draft:
    """A message's content once it passed the checks that need nothing but the input."""

    channel: str
    to: str
    from_: str
    body: str
    media_urls: list[str]
    content_sid: str
    content_variables: dict[str, str]
    template_id: str = ""


def _clean_addresses(channel: str, to: str, from_: str) -> tuple[str, str]:
    """The recipient and the requested sender (may be "") in E.164."""
    check_channel(channel)
    to_channel, to_raw = strip_channel(to)
    if to_channel == Channel.WHATSAPP and channel != Channel.WHATSAPP:
        raise ValidationError({"to": "A whatsapp: address needs channel whatsapp."})
    number = normalize_number(to_raw, "to")
    sender_number = normalize_number(strip_channel(from_)[1], "from") if from_ else ""
    return number, sender_number


def _clean_body(body: str) -> str:
    body = body or ""
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            {"body": f"The body has {len(body)} characters; the limit is {MAX_BODY_CHARS}."}
        )
    return body


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


def clean_draft(
    *,
    channel: str,
    to: str,
    from_: str,
    body: str,
    media_urls: Sequence[str],
    content_sid: str,
    content_variables: Mapping[str, Any] | None,
    template_id: str = "",
) -> Draft:
    """Everything checkable from the input alone; raises ValidationError on the first fault."""
    number, sender_number = _clean_addresses(channel, to, from_)
    body = _clean_body(body)
    media = _clean_media(media_urls)
    variables = _clean_content(content_sid, content_variables) if not template_id else {}
    if template_id and channel != Channel.WHATSAPP:
        raise ValidationError(
            {"template": "Templates are WhatsApp messages: use channel whatsapp."}
        )
    if template_id and (body.strip() or media):
        raise ValidationError(
            {"body": "A template send carries no body or media of its own: the template's text "
             "goes out with its variables (Twilio refuses both together, 35127)."}
        )  # fmt: skip
    if not body.strip() and not media and not content_sid and not template_id:
        raise ValidationError({"body": "Write a message, attach media or choose a template."})
    return Draft(
        channel, number, sender_number, body, media, content_sid, variables, str(template_id)
    )


def apply_template(
    tenant: Tenant,
    draft: Draft,
    variables: Mapping[str, Any] | None,
    find: Callable[..., MessageTemplate | None] = template_for_send,
) -> Draft:
    """The draft with its template's content SID and checked variables (and the template's id,
    for a content SID the platform knows as a template). `find` is `template_for_send` or a
    batch's memo of it."""
    template = find(tenant, template_id=draft.template_id, content_sid=draft.content_sid)
    if template is None:
        return draft
    field_name = "variables" if draft.template_id else "content_variables"
    values = clean_template_variables(
        template, variables if draft.template_id else draft.content_variables, field_name
    )
    return replace(
        draft,
        content_sid=template.content_sid,
        content_variables=values,
        template_id=str(template.pk),
    )


def opted_out_refusal(draft: Draft) -> SendRefused:
    return SendRefused(
        "recipient_opted_out",
        f"{draft.to} has opted out (replied STOP) of your "
        f"{Channel(draft.channel).label} messages; "
        "they must reply START before you can message them again.",
        "to",
    )


def _refuse_opted_out(tenant: Tenant, draft: Draft) -> None:
    if is_opted_out(tenant.pk, draft.to, draft.channel):
        raise opted_out_refusal(draft)


def refuse_closed_window(tenant: Tenant, draft: Draft, sender: Sender) -> None:
    """Outside the 24 hours after the contact last wrote, WhatsApp takes only templates."""
    if draft.channel != Channel.WHATSAPP or draft.content_sid:
        return
    closes_at = whatsapp_window_closes_at(
        tenant_id=tenant.pk, contact_number=draft.to, our_number=sender.from_number
    )
    if closes_at is None:
        raise window_closed_refusal(tenant, draft.to)


# A person sending from the portal or replying in a thread sees the thread at once; other
# sends (API, batch, broadcast) answer first and their send task threads them.
THREADED_AT_ONCE = frozenset({Message.Origin.PORTAL, Message.Origin.REPLY})


def queued_message(
    tenant: Tenant, draft: Draft, sender: Sender, estimate: Estimate, actor: Actor, origin: str
) -> Message:
    """The queued row of a checked draft, not yet saved (single sends and batches alike)."""
    info = estimate.info
    sms = draft.channel == Channel.SMS
    now = timezone.now()
    return Message(
        tenant=tenant,
        direction=Direction.OUTBOUND,
        channel=draft.channel,
        origin=origin,
        from_number=sender.from_number,
        to_number=draft.to,
        body=draft.body,
        media_urls=draft.media_urls,
        content_sid=draft.content_sid,
        content_variables=draft.content_variables,
        template_id=uuid.UUID(draft.template_id) if draft.template_id else None,
        messaging_service_sid=sender.messaging_service_sid,
        account_sid=sender.account_sid,
        via_master=sender.via_master,
        status=Status.QUEUED,
        status_rank=STATUS_RANK[Status.QUEUED],
        segments=info.segments if sms else 1,
        encoding=info.encoding if sms else "",
        estimated_price=estimate.estimated_price,
        created_by=actor.user,
        actor_label=actor.label,
        created_at=now,
        updated_at=now,
    )


def store_queued(message: Message, our_number: Callable[[], str]) -> None:
    """Store a queued row (threaded now for a person at the portal, on the thread of
    `our_number()`; else by its send task) and enqueue its send on commit: the outbox of every
    channel. A lone insert needs no transaction of its own."""
    if message.origin not in THREADED_AT_ONCE:
        message.save(force_insert=True)
        enqueue.send_message(str(message.pk))
        return
    with transaction.atomic():
        message.conversation = conversation_get_or_create(
            tenant_id=message.tenant_id,
            channel=message.channel,
            contact_number=message.to_number,
            our_number=our_number(),
        )
        message.save(force_insert=True)
        conversation_touch(message.conversation, message)
        enqueue.send_message(str(message.pk))


def _create_queued(tenant: Tenant, message: Message, sender: Sender) -> None:
    store_queued(
        message, lambda: thread_number_for(tenant, message.channel, message.to_number, sender)
    )


def checked_sender(tenant: Tenant, draft: Draft) -> Sender:
    """The account, opt-out, sender and 10DLC checks, in that order; a sender that passed
    them a moment ago is remembered (`sender_cache`), the opt-out is always read."""
    sender = cached_sender(tenant, channel=draft.channel, to=draft.to, from_=draft.from_)
    if sender is not None:
        _refuse_opted_out(tenant, draft)
        return sender
    account = account_or_refuse(tenant)
    _refuse_opted_out(tenant, draft)
    sender = select_sender(
        tenant=tenant, channel=draft.channel, to=draft.to, from_=draft.from_, account=account
    )
    compliance_gate(tenant, sender)
    remember_sender(tenant, sender, from_=draft.from_)
    return sender


# Estimates by (channel, region, body, media, content SID): bounded, cleared when full.
_ESTIMATES: dict[tuple, Estimate] = {}
_ESTIMATES_MAX = 1024


def draft_estimate(draft: Draft) -> Estimate:
    """The stored estimate of a checked draft. It depends on the recipient only through its
    country, so the drafts of a batch mostly share one (memoised)."""
    media = bool(draft.media_urls)
    key = (draft.channel, number_region(draft.to), draft.body, media, draft.content_sid)
    estimate = _ESTIMATES.get(key)
    if estimate is None:
        estimate = message_estimate(
            tenant=None,
            body=draft.body,
            channel=draft.channel,
            to=draft.to,
            media_urls=draft.media_urls,
            content_sid=draft.content_sid,
        )
        if len(_ESTIMATES) >= _ESTIMATES_MAX:
            _ESTIMATES.clear()
        _ESTIMATES[key] = estimate
    return estimate


def message_send(
    *,
    tenant: Tenant,
    to: str,
    channel: str = Channel.SMS,
    body: str = "",
    media_urls: Sequence[str] = (),
    content_sid: str = "",
    content_variables: Mapping[str, Any] | None = None,
    template: str = "",
    variables: Mapping[str, Any] | None = None,
    from_: str = "",
    actor: Actor,
    origin: str = Message.Origin.API,
) -> Message:
    """Validate and queue an outbound message; the send task is enqueued on commit.

    A WhatsApp template is named by `template` (a `MessageTemplate` id, with `variables`) or
    by its `content_sid` (with `content_variables`).

    Raises ValidationError (SendRefused for refusals with a reason code); nothing is stored then.
    """
    draft = clean_draft(
        channel=channel,
        to=to,
        from_=from_,
        body=body,
        media_urls=media_urls,
        content_sid=content_sid,
        content_variables=content_variables,
        template_id=template,
    )
    draft = apply_template(tenant, draft, variables)
    sender = checked_sender(tenant, draft)
    refuse_closed_window(tenant, draft, sender)
    admission.admit_one(tenant, channel=draft.channel, origin=origin)
    message = queued_message(tenant, draft, sender, draft_estimate(draft), actor, origin)
    _create_queued(tenant, message, sender)
    return message
