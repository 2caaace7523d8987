"""The retention jobs: delete a tenant's raw webhook events and blank its message bodies
once they are older than the tenant's periods (`retention.models.RetentionPolicy`).

Raw webhook events, here, are the stored payloads of the callbacks the platform received
or sent about a tenant's traffic:
- `messaging.WebhookEvent`: Twilio's status and inbound callbacks (and the reconciler's
  fetched statuses), kept once per (SID, status). Not tenant-owned: a tenant's are those of
  its messages' SIDs; the ones matching no message are purged at the platform's default;
- `emails.EmailEvent`: the ESP's tracking events (delivered, bounced, opened...);
- `webhooks.WebhookDelivery` (with its `WebhookAttempt` log): the events posted to the
  tenant's own endpoints, whose payloads copy message bodies. Pending ones are never
  deleted: the delivery task still needs them.
`provisioning.StripeEvent` is not one: it holds no payload, only which Stripe event ids the
platform's own billing handled, and is not tenant data.

A message body is everything a message said: `body`, `subject`, `html`, `media_urls`,
`content_variables`, `button_text`, and its stored inbound media (rows and files). The rest
of the row (numbers, status, prices, timestamps) stays, so the log, usage and statements
keep adding up. No column marks a blanked message: blank fields are the mark, and the job
skips rows already blank. Only messages handed to the carrier or final are blanked
(status `sent` or beyond, not in doubt): a queued, sending or unknown message may still be
sent, and its body with it. Conversation previews read the last message, so they follow.

Every job works in batches of `RETENTION_BATCH_SIZE` rows, each after the last batch's final
row (by primary key; messages by creation time, then key, as their log's index), each batch
its own short transaction, so no long lock is held and a rerun (or a run cut short)
simply carries on: the jobs are idempotent.
"""

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from emails.models import EmailEvent
from messaging.models import (
    STATUS_RANK,
    Message,
    MessageMedia,
    Status,
    WebhookEvent,
    media_storage,
)
from retention.services import policy_for
from tenants.models import Tenant
from tenants.services import Actor, record_audit
from webhooks.models import WebhookDelivery

logger = logging.getLogger(__name__)

BLANK_BODY = {
    "body": "",
    "subject": "",
    "html": "",
    "media_urls": [],
    "content_variables": {},
    "button_text": "",
}
HAS_BODY = (
    Q(body__gt="")
    | Q(subject__gt="")
    | Q(html__gt="")
    | Q(button_text__gt="")
    | ~Q(media_urls=[])
    | ~Q(content_variables={})
)


@dataclass
class RetentionResult:
    """What one run removed for one tenant."""

    bodies_blanked: int = 0
    message_events_deleted: int = 0
    email_events_deleted: int = 0
    webhook_deliveries_deleted: int = 0

    @property
    def total(self) -> int:
        return sum(asdict(self).values())


def cutoff(days: int | None, now: datetime | None = None) -> datetime | None:
    """The moment before which rows go; None keeps them forever."""
    if days is None:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def in_batches(
    queryset: models.QuerySet,
    act: Callable[[list], int],
    batch_size: int | None = None,
    order: str = "pk",
) -> int:
    """Run `act` on the matching primary keys, a batch at a time, each batch in its own
    transaction; returns the sum of what `act` counted. Batches follow `order` (a column)
    then the primary key, each starting after the last one's final row, so a batch reads
    an index range, never the rows done before."""
    size = batch_size or settings.RETENTION_BATCH_SIZE
    keys = ["pk"] if order == "pk" else [order, "pk"]
    done, last = 0, None
    while True:
        page = queryset.order_by(*keys)
        if last is not None:
            page = page.filter(_after(keys, last))
        rows = list(page.values_list(*keys)[:size])
        if not rows:
            return done
        with transaction.atomic():
            done += act([row[-1] for row in rows])
        last = rows[-1]


def _after(keys: list[str], last: tuple) -> Q:
    """Rows after `last` in the order of `keys` (a keyset cursor)."""
    if len(keys) == 1:
        return Q(pk__gt=last[0])
    return Q(**{f"{keys[0]}__gt": last[0]}) | Q(**{keys[0]: last[0], "pk__gt": last[1]})


def _delete(model: type[models.Model]) -> Callable[[list], int]:
    def act(ids: list) -> int:
        _, per_model = model.objects.filter(pk__in=ids).delete()
        return per_model.get(model._meta.label, 0)

    return act


def _blank(ids: list) -> int:
    media = MessageMedia.objects.filter(message_id__in=ids)
    files = [name for name in media.values_list("file", flat=True) if name]
    media.delete()
    blanked = Message.objects.filter(pk__in=ids).update(**BLANK_BODY, updated_at=timezone.now())
    if files:
        transaction.on_commit(lambda: _delete_files(files))
    return blanked


def _delete_files(names: list[str]) -> None:
    storage = media_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError as err:
            logger.warning("retention: could not delete media file %s: %s", name, err)


def blank_message_bodies(tenant: Tenant, before: datetime, batch_size: int | None = None) -> int:
    """Blank the bodies of the tenant's messages created before `before` that are sent or
    final; queued, sending, unknown and in-doubt messages keep theirs."""
    candidates = (
        Message.objects.for_tenant(tenant)
        .filter(created_at__lt=before, status_rank__gte=STATUS_RANK[Status.SENT])
        .filter(in_doubt_since__isnull=True)
        .filter(HAS_BODY)
    )
    # In the order of the log's index (tenant, created_at, id).
    return in_batches(candidates, _blank, batch_size, order="created_at")


def purge_message_events(tenant: Tenant, before: datetime, batch_size: int | None = None) -> int:
    """Delete the Twilio callbacks about the tenant's messages, received before `before`."""
    sids = (
        Message.objects.for_tenant(tenant)
        .filter(created_at__lt=before, sid__isnull=False)
        .values("sid")
    )
    events = WebhookEvent.objects.filter(received_at__lt=before, message_sid__in=sids)
    return in_batches(events, _delete(WebhookEvent), batch_size)


def purge_email_events(tenant: Tenant, before: datetime, batch_size: int | None = None) -> int:
    events = EmailEvent.objects.for_tenant(tenant).filter(received_at__lt=before)
    return in_batches(events, _delete(EmailEvent), batch_size)


def purge_webhook_deliveries(
    tenant: Tenant, before: datetime, batch_size: int | None = None
) -> int:
    """Delete the finished deliveries to the tenant's endpoints (and their attempts)."""
    deliveries = (
        WebhookDelivery.objects.for_tenant(tenant)
        .filter(created_at__lt=before)
        .exclude(state=WebhookDelivery.State.PENDING)
    )
    return in_batches(deliveries, _delete(WebhookDelivery), batch_size)


def purge_orphan_message_events(batch_size: int | None = None) -> int:
    """Delete Twilio callbacks matching no message (no tenant to ask), past the default."""
    before = cutoff(settings.RETENTION_EVENT_DAYS)
    if before is None:
        return 0
    events = WebhookEvent.objects.filter(received_at__lt=before).exclude(
        Exists(Message.objects.filter(sid=OuterRef("message_sid")))
    )
    return in_batches(events, _delete(WebhookEvent), batch_size)


def apply_retention(tenant: Tenant, batch_size: int | None = None) -> RetentionResult:
    """Everything the tenant's policy removes today; audited when it removed anything."""
    policy = policy_for(tenant)
    result = RetentionResult()
    body_before = cutoff(policy.effective_body_days)
    if body_before is not None:
        result.bodies_blanked = blank_message_bodies(tenant, body_before, batch_size)
    event_before = cutoff(policy.effective_event_days)
    if event_before is not None:
        result.message_events_deleted = purge_message_events(tenant, event_before, batch_size)
        result.email_events_deleted = purge_email_events(tenant, event_before, batch_size)
        result.webhook_deliveries_deleted = purge_webhook_deliveries(
            tenant, event_before, batch_size
        )
    if result.total:
        record_audit(
            tenant=tenant,
            actor=Actor.system(),
            action="retention.applied",
            target=policy if policy.pk else None,
            changes=asdict(result),
        )
    return result
