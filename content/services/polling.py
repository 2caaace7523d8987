"""Following WhatsApp's review of submitted templates: one poll per template, with backoff
while Meta decides, then slower polls of approved and paused ones (quality pauses, disabling
and re-categorisation come later; wave2-facts §1.3, §1.5). No row lock is held while Twilio
answers: the poll is claimed by pushing `next_poll_at` ahead."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from content import enqueue
from content.models import MessageTemplate
from content.services.status import apply_category, apply_status
from content.services.submission import live_poll_interval, poll_delay, tenant_client
from content.vocab import LIVE, UNDECIDED
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount
from tenants.services import Actor, record_audit

POLL_LEASE = timedelta(minutes=2)
POLLED = UNDECIDED | LIVE


def due_polls(now: datetime | None = None, limit: int = 500) -> list[str]:
    """Ids of the templates whose next poll is due."""
    now = now or timezone.now()
    ids = (
        MessageTemplate.objects.filter(status__in=POLLED, next_poll_at__lte=now)
        .exclude(content_sid="")
        .order_by("next_poll_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [str(pk) for pk in ids]


def _take(template_id: str, now: datetime, force: bool) -> MessageTemplate | None:
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template is None or template.status not in POLLED or not template.content_sid:
            return None
        if not force and (template.next_poll_at is None or template.next_poll_at > now):
            return None
        template.next_poll_at = now + POLL_LEASE
        template.save(update_fields=["next_poll_at", "updated_at"])
    return template


def template_poll(template_id: str, *, force: bool = False) -> MessageTemplate | None:
    """Fetch one template's approval from Twilio and apply it; idempotent."""
    now = timezone.now()
    template = _take(template_id, now, force)
    if template is None:
        return MessageTemplate.objects.filter(pk=template_id).first()
    try:
        approval = gateway.fetch_approval_status(
            tenant_client(template.tenant), template.content_sid
        )
    except (gateway.GatewayError, NoTwilioAccount) as err:
        attempts = template.poll_attempts + 1
        MessageTemplate.objects.filter(pk=template.pk).update(
            poll_attempts=attempts,
            last_polled_at=now,
            next_poll_at=now + poll_delay(attempts),
            last_error_code=getattr(err, "code", None),
            last_error_message=getattr(err, "message", "") or str(err),
        )
        return MessageTemplate.objects.get(pk=template.pk)
    with transaction.atomic():
        template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
        moved = apply_status(template, approval.status, reason=approval.rejection_reason)
        moved = apply_category(template, approval.category) or moved
        attempts = 0 if moved else template.poll_attempts + 1
        template.poll_attempts, template.last_polled_at = attempts, now
        template.last_error_code, template.last_error_message = None, ""
        if template.status in UNDECIDED:
            template.next_poll_at = now + poll_delay(attempts)
        elif template.status in LIVE:
            template.next_poll_at = now + live_poll_interval()
        else:
            template.next_poll_at = None
        template.save()
    return template


@transaction.atomic
def template_repoll(*, template: MessageTemplate, actor: Actor) -> None:
    """Poll a template now, in the poll task (staff action, or the tenant's "check now")."""
    record_audit(tenant=template.tenant, actor=actor, action="template.repolled", target=template)
    enqueue.poll_template(template.pk)
