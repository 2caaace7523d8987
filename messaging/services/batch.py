"""Sending many messages at once: each checked like a single send, the good ones stored
together.

Every item passes the checks of `message_send` in the same order (input, template, account,
opt-out, sender, 10DLC gate, WhatsApp window) and gets its own result; a refused item stores
nothing and stops no other. What a single send asks the database once per message is asked
once per batch here: one query for the opt-outs of every recipient, one resolution of
account, sender and gate per distinct sender (remembered like a single send's), one query
for the open WhatsApp windows. The queued rows are inserted in one statement, in one
transaction, and one fan-out task enqueued on commit hands each its own send task: the
same outbox, so the sweeper re-enqueues anything a lost fan-out left queued.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from content.models import MessageTemplate
from messaging import enqueue
from messaging.gate import compliance_gate
from messaging.models import Channel, Conversation, Message, OptOut
from messaging.services import admission
from messaging.services.common import SendRefused
from messaging.services.conversations import WHATSAPP_WINDOW
from messaging.services.sender_cache import cached_sender, remember_sender
from messaging.services.senders import Sender, account_or_refuse, select_sender
from messaging.services.sending import (
    Draft,
    apply_template,
    clean_draft,
    draft_estimate,
    opted_out_refusal,
    queued_message,
)
from messaging.services.template_sends import template_for_send, window_closed_refusal
from privacy.suppression import hash_suppressed_among
from provisioning.accounts import TenantAccount
from tenants.models import Tenant
from tenants.services import Actor

BATCH_MAX = 1000


@dataclass
class BatchResult:
    """One item's outcome, at its position in the request."""

    index: int
    message: Message | None = None
    code: str = ""
    message_text: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def queued(self) -> bool:
        return self.message is not None

    def as_dict(self) -> dict[str, Any]:
        if self.message is not None:
            return {"index": self.index, "id": str(self.message.pk), "status": "queued"}
        return {
            "index": self.index,
            "status": "refused",
            "code": self.code,
            "message": self.message_text,
            "errors": self.errors,
        }


def refusal_result(index: int, err: ValidationError) -> BatchResult:
    """An item's refusal in the single send's terms: its code, sentence and fields."""
    fields = err.message_dict if hasattr(err, "error_dict") else {}
    if isinstance(err, SendRefused):
        return BatchResult(index, code=err.reason, message_text=err.reason_message, errors=fields)
    if not fields:
        fields = {"non_field_errors": err.messages}
    text = " ".join(m for messages in fields.values() for m in messages)
    return BatchResult(index, code="invalid", message_text=text, errors=fields)


class _Templates:
    """`template_for_send` once per distinct template of the batch (refusals included)."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str], MessageTemplate | ValidationError | None] = {}

    def __call__(self, tenant: Tenant, *, template_id: str, content_sid: str):
        key = (template_id, content_sid)
        if key not in self.found:
            try:
                self.found[key] = template_for_send(
                    tenant, template_id=template_id, content_sid=content_sid
                )
            except ValidationError as err:
                self.found[key] = err
        found = self.found[key]
        if isinstance(found, ValidationError):
            raise found
        return found


def _draft(tenant: Tenant, item: Mapping[str, Any], templates: _Templates) -> Draft:
    draft = clean_draft(
        channel=item.get("channel", Channel.SMS),
        to=item.get("to", ""),
        from_=item.get("from", ""),
        body=item.get("body", ""),
        media_urls=item.get("media_urls") or [],
        content_sid=item.get("content_sid", ""),
        content_variables=item.get("content_variables") or {},
        template_id=str(item.get("template") or ""),
    )
    return apply_template(tenant, draft, item.get("variables") or {}, templates)


class _Senders:
    """Account, sender and gate, resolved once per distinct sender of the batch."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.account: TenantAccount | None = None
        self.resolved: dict[tuple[str, str, bool], Sender | ValidationError] = {}

    def account_refusal(self) -> ValidationError | None:
        try:
            self.account = self.account or account_or_refuse(self.tenant)
        except SendRefused as err:
            return err
        return None

    def cached(self, draft: Draft) -> Sender | None:
        slot = (draft.channel, draft.from_, draft.to.startswith("+1"))
        known = self.resolved.get(slot)
        if isinstance(known, Sender):
            return replace(known, to=draft.to)
        if known is None:
            hit = cached_sender(self.tenant, channel=draft.channel, to=draft.to, from_=draft.from_)
            if hit is not None:
                self.resolved[slot] = hit
            return hit
        return None

    def resolve(self, draft: Draft) -> Sender:
        """The sender after the account check passed; raises the sender's or gate's refusal."""
        slot = (draft.channel, draft.from_, draft.to.startswith("+1"))
        known = self.resolved.get(slot)
        if isinstance(known, ValidationError):
            raise known
        if known is not None:
            return replace(known, to=draft.to)
        try:
            sender = select_sender(
                tenant=self.tenant,
                channel=draft.channel,
                to=draft.to,
                from_=draft.from_,
                account=self.account,
            )
            compliance_gate(self.tenant, sender)
        except ValidationError as err:
            self.resolved[slot] = err
            raise
        remember_sender(self.tenant, sender, from_=draft.from_)
        self.resolved[slot] = replace(sender, number=None)
        return sender


def _opted_out(tenant: Tenant, drafts: Sequence[Draft]) -> set[tuple[str, str]]:
    """(number, channel) of every recipient of the batch who opted out: one query."""
    numbers = {d.to for d in drafts}
    if not numbers:
        return set()
    found = set(
        OptOut.objects.filter(tenant_id=tenant.pk, number__in=numbers).values_list(
            "number", "channel"
        )
    )
    return found | hash_suppressed_among(tenant.pk, numbers)


def _open_windows(tenant: Tenant, drafts: Sequence[Draft]) -> dict[tuple[str, str], datetime]:
    """Last inbound time per (contact, our number) of the batch's WhatsApp recipients."""
    numbers = {d.to for d in drafts if d.channel == Channel.WHATSAPP and not d.content_sid}
    if not numbers:
        return {}
    rows = (
        Conversation.objects.for_tenant(tenant)
        .filter(channel=Channel.WHATSAPP, contact_number__in=numbers, last_inbound_at__isnull=False)
        .order_by()
        .values_list("contact_number", "our_number")
        .annotate(last=Max("last_inbound_at"))
    )
    return {(contact, ours): last for contact, ours, last in rows}


def _refuse_opted_out(draft: Draft, opted: set[tuple[str, str]]) -> None:
    if (draft.to, draft.channel) in opted:
        raise opted_out_refusal(draft)


def _refuse_closed_window(
    tenant: Tenant, draft: Draft, sender: Sender, windows: dict[tuple[str, str], datetime]
) -> None:
    if draft.channel != Channel.WHATSAPP or draft.content_sid:
        return
    last = windows.get((draft.to, sender.from_number))
    if last is None or last + WHATSAPP_WINDOW <= timezone.now():
        raise window_closed_refusal(tenant, draft.to)


def _checked(
    tenant: Tenant, drafts: dict[int, Draft]
) -> tuple[dict[int, tuple[Draft, Sender]], list[BatchResult]]:
    """Each draft's sender after the account, opt-out, sender, gate and window checks."""
    senders = _Senders(tenant)
    opted = _opted_out(tenant, list(drafts.values()))
    windows = _open_windows(tenant, list(drafts.values()))
    passed: dict[int, tuple[Draft, Sender]] = {}
    refused: list[BatchResult] = []
    for index, draft in drafts.items():
        try:
            sender = senders.cached(draft)
            if sender is None:
                account_refusal = senders.account_refusal()
                if account_refusal is not None:
                    raise account_refusal
            _refuse_opted_out(draft, opted)
            sender = sender or senders.resolve(draft)
            _refuse_closed_window(tenant, draft, sender, windows)
        except ValidationError as err:
            refused.append(refusal_result(index, err))
            continue
        passed[index] = (draft, sender)
    return passed, refused


def _admitted(
    tenant: Tenant,
    passed: dict[int, tuple[Draft, Sender]],
    results: list[BatchResult],
    origin: str,
) -> dict[int, tuple[Draft, Sender]]:
    """The drafts the spending limit and quotas admit, per channel in the order given; the
    rest get the refusal (`messaging.services.admission`)."""
    by_channel: dict[str, list[int]] = {}
    for index, (draft, _) in passed.items():
        by_channel.setdefault(draft.channel, []).append(index)
    admitted = dict(passed)
    for channel, indexes in by_channel.items():
        verdict = admission.admit(tenant, channel=channel, count=len(indexes), origin=origin)
        for index in indexes[verdict.granted :]:
            del admitted[index]
            results.append(refusal_result(index, admission.refusal_of(verdict)))
    return admitted


def message_send_batch(
    *,
    tenant: Tenant,
    items: Sequence[Mapping[str, Any] | ValidationError],
    actor: Actor,
    origin: str = Message.Origin.BATCH,
) -> list[BatchResult]:
    """Check every item like a single send and queue the good ones in one insert; one
    result per item, in the order given. An item is the single send's fields, or the
    ValidationError its shape check already raised."""
    results: list[BatchResult] = []
    drafts: dict[int, Draft] = {}
    templates = _Templates()
    for index, item in enumerate(items):
        try:
            if isinstance(item, ValidationError):
                raise item
            drafts[index] = _draft(tenant, item, templates)
        except ValidationError as err:
            results.append(refusal_result(index, err))
    passed, refused = _checked(tenant, drafts)
    results.extend(refused)
    passed = _admitted(tenant, passed, results, origin)
    messages = [
        queued_message(tenant, draft, sender, draft_estimate(draft), actor, origin)
        for draft, sender in passed.values()
    ]
    if messages:
        with transaction.atomic():
            Message.objects.bulk_create(messages)
            enqueue.send_messages([str(m.pk) for m in messages])
    results.extend(BatchResult(index, message=m) for index, m in zip(passed, messages, strict=True))
    return sorted(results, key=lambda r: r.index)
