"""Opt-outs and the consent ledger: suppressing a number, lifting it, importing a list.

Every opt-out and opt-in is also a `ConsentEvent`, the tenant's proof of consent; a new
opt-out fails the messages still queued to that number before it commits.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists

from isvplatform import claims
from messaging import events, signals
from messaging.models import Channel, ConsentEvent, Direction, Message, OptOut, Status
from messaging.services.common import (
    NOT_SENT_OPTED_OUT,
    OPTED_OUT_CODE,
    check_channel,
    mark_failed,
    normalize_address,
)
from privacy.suppression import hash_rows, is_hash_suppressed, lift_hash_suppression
from tenants.models import Tenant
from tenants.services import Actor, record_audit


def is_opted_out(tenant_id: int, number: str, channel: str) -> bool:
    """One query: the unique-index probe of (tenant, number, channel) and, beside it, the
    keyed-hash opt-outs of forgotten people (`privacy.suppression`)."""
    listed = OptOut.objects.filter(tenant_id=tenant_id, number=number, channel=channel)
    found = (
        Tenant.objects.filter(pk=tenant_id)
        .annotate(listed=Exists(listed), hashed=Exists(hash_rows(tenant_id, number, channel)))
        .values_list("listed", "hashed")
        .first()
    )
    if found is None or not any(found):
        return False
    # Only a hashed match pays for the re-keying check (see `privacy.suppression`).
    return found[0] or is_hash_suppressed(tenant_id, number, channel)


def _cancel_pending_sends(tenant_id: int, number: str, channel: str) -> int:
    """Fail queued messages to a number that just opted out. A row a send task has claimed
    is left to it: the task re-checks the opt-out after its claim, so a STOP committed before
    the claim still stops it, and a send already under way is recorded as it happened."""
    pending = list(
        Message.objects.select_for_update()
        .filter(claims.free())
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
        mark_failed(message, code=OPTED_OUT_CODE, text=NOT_SENT_OPTED_OUT)
    return len(pending)


# The contact's own acts: a STOP keyword, an email's unsubscribe link.
_CONTACT_SOURCES = frozenset({OptOut.Source.KEYWORD, OptOut.Source.UNSUBSCRIBE})


def _ledger_label(source: str, actor: Actor) -> str:
    """A keyword or an unsubscribe link is the contact's own act; anything else the actor's."""
    return "contact" if source in _CONTACT_SOURCES else actor.label


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
    """Suppress a number, or an address on the email channel (idempotent); the ledger and
    tenant webhooks hear of a new one."""
    check_channel(channel)
    number = normalize_address(number, channel, "number")
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
                    actor_label=_ledger_label(source, actor),
                )
        except IntegrityError:
            existing = OptOut.objects.get(tenant=tenant, number=number, channel=channel)
            return existing, False
        _record_consent(
            ConsentEvent.Action.OPT_OUT,
            tenant=tenant,
            number=number,
            channel=channel,
            source=source,
            actor=actor,
            keyword=keyword,
            reason=reason,
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
        signals.number_opted_out.send(
            sender=OptOut, tenant_id=tenant.pk, number=number, channel=channel
        )
    return optout, True


def _record_consent(
    action: str,
    *,
    tenant: Tenant,
    number: str,
    channel: str,
    source: str,
    actor: Actor,
    keyword: str,
    reason: str,
    message: Message | None,
) -> ConsentEvent:
    """One entry of the consent ledger, which keeps every opt-out and opt-in."""
    return ConsentEvent.objects.create(
        tenant=tenant,
        number=number,
        channel=channel,
        action=action,
        source=source,
        keyword=keyword[:32],
        reason=reason[:500],
        actor_label=_ledger_label(source, actor),
        message=message,
    )


def consent_opt_ins_record(
    *,
    tenant: Tenant,
    numbers: Iterable[str],
    channel: str,
    source: str,
    actor: Actor,
    reason: str = "",
) -> int:
    """Append opt-ins collected outside a keyword (a web form, an imported list, the contact
    book) to the ledger, one entry per number, in one statement. An opt-out is not lifted:
    only START or a person lifting it by hand does that."""
    label = _ledger_label(source, actor)
    entries = [
        ConsentEvent(
            tenant=tenant,
            number=number,
            channel=channel,
            action=ConsentEvent.Action.OPT_IN,
            source=source[:16],
            reason=reason[:500],
            actor_label=label,
        )
        for number in numbers
    ]
    ConsentEvent.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


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
        deleted += lift_hash_suppression(tenant.pk, number, channel)
        _record_consent(
            ConsentEvent.Action.OPT_IN,
            tenant=tenant,
            number=number,
            channel=channel,
            source=source,
            actor=actor,
            keyword=keyword,
            reason=reason,
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
