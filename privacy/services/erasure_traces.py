"""The erasure's later steps: the copies of a person's address outside the tables that name
it in an address column. Replayed API answers, Twilio's raw callbacks, the deliveries to the
tenant's own webhooks, the CSV files its imports uploaded, and the Django admin's log.

Like the first steps, each handles at most `limit` rows, changes what it handled so that it
no longer matches, and deletes dependent rows itself (the message table may be partitioned,
its foreign keys unenforced by the database).
"""

import logging
from datetime import datetime

from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.db.models import Q, QuerySet

from contacts.models import Audience, ContactImport
from messaging.models import IdempotencyRecord, Message, WebhookEvent
from privacy.services.subject import ERASED, Subject, text_mentions
from provisioning.models import TwilioSubaccount
from tenants.models import Tenant, TenantOwned
from webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

# Imports whose file is no longer read: rewriting it cannot shift a resume offset.
_SETTLED_IMPORTS = (
    ContactImport.Status.UPLOADED,
    ContactImport.Status.COMPLETED,
    ContactImport.Status.FAILED,
    ContactImport.Status.CANCELLED,
)


def _ids(found: QuerySet, limit: int) -> list:
    return list(found.order_by().values_list("pk", flat=True)[:limit])


def erase_idempotency_records(subject: Subject, limit: int) -> int:
    """A stored answer to replay names the recipient; the record goes (a retry with that
    key is then a new request, which the keyed-hash suppression still screens)."""
    annotations, mentions = text_mentions(subject, "response_body", "key", "path")
    found = IdempotencyRecord.objects.for_tenant(subject.tenant).annotate(**annotations)
    ids = _ids(found.filter(mentions), limit)
    IdempotencyRecord.objects.filter(pk__in=ids).delete()
    return len(ids)


def erased_message_events(tenant: Tenant, since: datetime | None = None) -> QuerySet:
    """Twilio's callbacks about the tenant's erased messages (a late `delivered` arrives
    after the erasure with the number in its payload)."""
    erased = (
        Message.objects.for_tenant(tenant)
        .filter(Q(to_number=ERASED) | Q(from_number=ERASED), sid__isnull=False)
        .values("sid")
    )
    found = WebhookEvent.objects.filter(message_sid__in=erased)
    return found if since is None else found.filter(received_at__gte=since)


def erase_webhook_events(subject: Subject, limit: int) -> int:
    """Callbacks of erased messages, and those on the tenant's accounts that match no
    message at all (an inbound no conversation took) but carry the address."""
    late = _ids(erased_message_events(subject.tenant), limit)
    annotations, mentions = text_mentions(subject, "payload")
    accounts = TwilioSubaccount.objects.filter(tenant=subject.tenant).values("sid")
    orphans = (
        WebhookEvent.objects.filter(account_sid__in=accounts)
        .annotate(**annotations)
        .filter(mentions)
    )
    ids = late + _ids(orphans, limit - len(late)) if len(late) < limit else late
    WebhookEvent.objects.filter(pk__in=ids).delete()
    return len(ids)


def erase_webhook_deliveries(subject: Subject, limit: int) -> int:
    """Events sent (or to be sent) to the tenant's endpoints naming the person, with the
    attempts' logs (whose response excerpt may echo the payload)."""
    annotations, mentions = text_mentions(subject, "payload")
    found = WebhookDelivery.objects.for_tenant(subject.tenant).annotate(**annotations)
    ids = _ids(found.filter(mentions), limit)
    WebhookDelivery.objects.filter(redelivery_of_id__in=ids).update(redelivery_of=None)
    WebhookAttempt.objects.filter(delivery_id__in=ids).delete()
    WebhookDelivery.objects.filter(pk__in=ids).delete()
    return len(ids)


def _without_person(subject: Subject, content: bytes) -> bytes | None:
    """The file's lines minus those naming the person; None when none does."""
    lines = content.splitlines(keepends=True)
    kept = [line for line in lines if not subject.mentioned_in(line.decode(errors="replace"))]
    return None if len(kept) == len(lines) else b"".join(kept)


def rewrite_import_files(subject: Subject, limit: int) -> int:
    """Outside a transaction (the files may sit in S3): each settled import's uploaded CSV
    naming the person is rewritten without their rows, under the same name; how many were.
    All of them in one go (a tenant has few imports); a rerun finds none left to rewrite."""
    rewritten = 0
    for job in _settled_imports(subject).exclude(file="").order_by("created_at").iterator():
        storage, name = job.file.storage, job.file.name
        try:
            with storage.open(name, "rb") as stream:
                content = stream.read()
        except OSError as err:
            logger.warning("erasure: could not read import file %s: %s", name, err)
            continue
        kept = _without_person(subject, content)
        if kept is not None:
            storage.delete(name)
            saved = storage.save(name, ContentFile(kept))
            ContactImport.objects.filter(pk=job.pk).update(file=saved, size=len(kept))
            rewritten += 1
    return rewritten


def _settled_imports(subject: Subject) -> QuerySet:
    return ContactImport.objects.for_tenant(subject.tenant).filter(status__in=_SETTLED_IMPORTS)


def _scrubbed(subject: Subject, value):
    """`value` (a saved filter's JSON) with every text naming the person replaced."""
    if isinstance(value, dict):
        return {k: _scrubbed(subject, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(subject, v) for v in value]
    if isinstance(value, str) and subject.mentioned_in(value):
        return ERASED
    return value


def erase_audience_filters(subject: Subject, limit: int) -> int:
    """A saved filter naming the person (`phone is +1…`) keeps its shape, not the number."""
    annotations, mentions = text_mentions(subject, "filter", "name", "description")
    found = Audience.objects.for_tenant(subject.tenant).annotate(**annotations).filter(mentions)
    rows = list(found.order_by("pk")[:limit])
    for audience in rows:
        Audience.objects.filter(pk=audience.pk).update(
            filter=_scrubbed(subject, audience.filter),
            name=ERASED if subject.mentioned_in(audience.name) else audience.name,
            description="" if subject.mentioned_in(audience.description) else audience.description,
        )
    return len(rows)


def _belongs_elsewhere(entry: LogEntry, tenant: Tenant) -> bool:
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None or not issubclass(model, TenantOwned):
        return False
    return model.objects.filter(pk=entry.object_id).exclude(tenant=tenant).exists()


def erase_admin_log(subject: Subject, limit: int) -> int:
    """Staff's edits in the Django admin keep the object's text: entries naming the person
    lose it, unless they are about another tenant's row (that tenant's own data)."""
    annotations, mentions = text_mentions(subject, "object_repr", "change_message")
    found = (
        LogEntry.objects.annotate(**annotations)
        .filter(mentions)
        .select_related("content_type")
        .order_by("pk")
    )
    ours: list[int] = []
    last = 0
    while len(ours) < limit:
        page = list(found.filter(pk__gt=last)[:limit])
        if not page:
            break
        ours += [e.pk for e in page if not _belongs_elsewhere(e, subject.tenant)]
        last = page[-1].pk
    ours = ours[:limit]
    LogEntry.objects.filter(pk__in=ours).update(object_repr=ERASED, change_message="")
    return len(ours)
