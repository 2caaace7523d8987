"""The steps of forgetting a person, each one batch at a time, all scoped to one tenant.

A step's `run(subject, limit)` handles at most `limit` rows and returns how many; 0 means the
step is done. Every batch changes the rows it handles so that they no longer match (deleted,
or their address replaced by `ERASED`), so a rerun, or a worker resuming after a crash,
simply finds less to do. `prepare` runs before the batch's transaction, for the network
work (deleting stored media files) that must not happen under a lock.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone

from broadcasts.models import BroadcastRecipient
from contacts.models import AudienceMember, Contact, ContactImportError
from emails.models import EmailEvent
from messaging.models import (
    STATUS_RANK,
    ConsentEvent,
    Conversation,
    Message,
    MessageMedia,
    OptOut,
    Status,
    WebhookEvent,
    media_storage,
)
from privacy.hashing import subject_digest
from privacy.models import SuppressionHash
from privacy.services.erasure_traces import (
    erase_admin_log,
    erase_audience_filters,
    erase_idempotency_records,
    erase_webhook_deliveries,
    erase_webhook_events,
    rewrite_import_files,
)
from privacy.services.subject import ERASED, Subject, text_mentions
from tenants.models import AuditEvent
from verify.models import VerificationAttempt, VerificationCheck, WidgetToken


def _messages(subject: Subject):
    found = Q(to_number__in=subject.addresses) | Q(from_number__in=subject.addresses)
    return Message.objects.for_tenant(subject.tenant).filter(found).order_by()


def erase_opt_outs(subject: Subject, limit: int) -> int:
    """First, so the person is never unsuppressed: each opt-out becomes a keyed hash."""
    rows = list(
        OptOut.objects.for_tenant(subject.tenant).filter(number__in=subject.addresses)[:limit]
    )
    for optout in rows:
        key_id, digest = subject_digest(subject.tenant.pk, subject.value)
        SuppressionHash.objects.get_or_create(
            tenant=subject.tenant,
            digest=digest,
            channel=optout.channel,
            defaults={"key_id": key_id, "source": optout.source, "opted_out_at": optout.created_at},
        )
    OptOut.objects.filter(pk__in=[o.pk for o in rows]).delete()
    return len(rows)


def delete_media_files(subject: Subject, limit: int) -> None:
    """Outside a transaction: a stored file may sit in S3. A file already gone is no error."""
    stored = MessageMedia.objects.filter(
        message__in=_messages(subject).values("pk"), tenant=subject.tenant
    ).exclude(file="")[:limit]
    storage = media_storage()
    for pk, name in stored.values_list("pk", "file"):
        storage.delete(name)
        MessageMedia.objects.filter(pk=pk).update(file="")


def erase_media(subject: Subject, limit: int) -> int:
    ids = list(
        MessageMedia.objects.filter(
            message__in=_messages(subject).values("pk"), tenant=subject.tenant, file=""
        ).values_list("pk", flat=True)[:limit]
    )
    MessageMedia.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_messages(subject: Subject, limit: int) -> int:
    """Blank the contents and replace the person's address; their raw Twilio callbacks and
    ESP events go. A message not yet handed over is failed, never sent to `ERASED`."""
    rows = list(_messages(subject).values_list("pk", "sid")[:limit])
    ids = [pk for pk, _ in rows]
    sids = [sid for _, sid in rows if sid]
    if sids:
        WebhookEvent.objects.filter(message_sid__in=sids).delete()
    EmailEvent.objects.filter(tenant=subject.tenant, message_id__in=ids).delete()
    now = timezone.now()
    Message.objects.filter(pk__in=ids, status=Status.QUEUED, sid__isnull=True).update(
        status=Status.FAILED,
        status_rank=STATUS_RANK[Status.FAILED],
        error_message="Erased before it was sent.",
        failed_at=now,
    )
    Message.objects.filter(pk__in=ids, error_message__contains=subject.needle).update(
        error_message=Replace(F("error_message"), Value(subject.needle), Value(ERASED))
    )
    addresses = subject.addresses
    blank = {
        "body": "",
        "subject": "",
        "html": "",
        "from_name": "",
        "headers": {},
        "media_urls": [],
        "content_variables": {},
        "button_payload": "",
        "button_text": "",
        "updated_at": now,
    }
    Message.objects.filter(pk__in=ids, to_number__in=addresses).update(to_number=ERASED, **blank)
    Message.objects.filter(pk__in=ids, from_number__in=addresses).update(
        from_number=ERASED, **blank
    )
    return len(ids)


def erase_email_events(subject: Subject, limit: int) -> int:
    if subject.is_phone:
        return 0
    found = EmailEvent.objects.for_tenant(subject.tenant).filter(recipient__iexact=subject.value)
    ids = list(found.values_list("pk", flat=True)[:limit])
    EmailEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_conversations(subject: Subject, limit: int) -> int:
    found = Conversation.objects.for_tenant(subject.tenant).filter(
        contact_number__in=subject.addresses
    )
    ids = list(found.values_list("pk", flat=True)[:limit])
    # Explicitly, not by the database: the message table may be partitioned, without FKs.
    Message.objects.for_tenant(subject.tenant).filter(conversation_id__in=ids).update(
        conversation=None
    )
    Conversation.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_contacts(subject: Subject, limit: int) -> int:
    if subject.is_phone:
        found = Q(phone=subject.value) | Q(whatsapp=subject.value)
    else:
        found = Q(email__iexact=subject.value)
    ids = list(
        Contact.objects.for_tenant(subject.tenant)
        .filter(found)
        .values_list("pk", flat=True)[:limit]
    )
    AudienceMember.objects.filter(tenant=subject.tenant, contact_id__in=ids).delete()
    BroadcastRecipient.objects.filter(tenant=subject.tenant, contact_id__in=ids).update(
        contact=None
    )
    Contact.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_import_errors(subject: Subject, limit: int) -> int:
    found = ContactImportError.objects.for_tenant(subject.tenant).filter(
        value__in=subject.addresses
    )
    ids = list(found.values_list("pk", flat=True)[:limit])
    ContactImportError.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_broadcast_recipients(subject: Subject, limit: int) -> int:
    """Kept for the broadcast's counts; the address becomes unique but meaningless."""
    found = BroadcastRecipient.objects.filter(
        tenant=subject.tenant, address__in=subject.addresses
    ).order_by()
    ids = list(found.values_list("pk", flat=True)[:limit])
    BroadcastRecipient.objects.filter(pk__in=ids).update(
        address=Concat(Value(f"{ERASED}:"), Cast("id", CharField())), contact=None
    )
    return len(ids)


def erase_consent_events(subject: Subject, limit: int) -> int:
    """The ledger is append-only for the services; erasure is the one exception (a queryset
    update, not `save`). The events stay as counts; the number and any reason go."""
    found = ConsentEvent.objects.for_tenant(subject.tenant).filter(number__in=subject.addresses)
    ids = list(found.values_list("pk", flat=True)[:limit])
    ConsentEvent.objects.filter(pk__in=ids).update(number=ERASED, reason="", message=None)
    return len(ids)


def erase_verifications(subject: Subject, limit: int) -> int:
    found = VerificationAttempt.objects.for_tenant(subject.tenant).filter(to__in=subject.addresses)
    ids = list(found.values_list("pk", flat=True)[:limit])
    WidgetToken.objects.filter(tenant=subject.tenant, attempt_id__in=ids).delete()
    VerificationCheck.objects.filter(tenant=subject.tenant, attempt_id__in=ids).update(
        client_ip=None
    )
    VerificationAttempt.objects.filter(pk__in=ids).update(
        to=ERASED,
        client_ip=None,
        error_message=Replace(F("error_message"), Value(subject.needle), Value(ERASED)),
    )
    tokens = WidgetToken.objects.for_tenant(subject.tenant).filter(phone__in=subject.addresses)
    tokens.delete()
    return len(ids)


def erase_audit_mentions(subject: Subject, limit: int) -> int:
    """Audit rows that name the person (an opt-out added by hand, a contact edited)."""
    annotations, mentions = text_mentions(subject, "target_label", "changes")
    found = AuditEvent.objects.for_tenant(subject.tenant).annotate(**annotations).filter(mentions)
    ids = list(found.values_list("pk", flat=True)[:limit])
    AuditEvent.objects.filter(pk__in=ids).update(target_label=ERASED, changes={"erased": True})
    return len(ids)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Subject, int], int]
    prepare: Callable[[Subject, int], None] | None = None
    # False for a step that works on files (network calls, no lock held): its `run` is
    # called outside the batch's transaction, which then only records the progress.
    in_transaction: bool = True


STEPS: tuple[Step, ...] = (
    Step("opt_outs", erase_opt_outs),
    Step("message_media", erase_media, prepare=delete_media_files),
    Step("messages", erase_messages),
    Step("email_events", erase_email_events),
    Step("conversations", erase_conversations),
    Step("contacts", erase_contacts),
    Step("contact_import_errors", erase_import_errors),
    Step("broadcast_recipients", erase_broadcast_recipients),
    Step("consent_events", erase_consent_events),
    Step("verifications", erase_verifications),
    Step("audit_events", erase_audit_mentions),
    # Added later, so after the first steps: a request under way keeps its step index.
    Step("idempotency_records", erase_idempotency_records),
    Step("webhook_events", erase_webhook_events),
    Step("webhook_deliveries", erase_webhook_deliveries),
    Step("contact_import_files", rewrite_import_files, in_transaction=False),
    Step("admin_log", erase_admin_log),
    Step("audience_filters", erase_audience_filters),
)
