"""Sending a template to Twilio: the Content in the tenant's subaccount, then its WhatsApp
approval request. Runs in the submission task, outside any transaction: the row is claimed
(isvplatform/claims.py), the calls made, and the result written while the claim holds.

A retry after a worker died mid-way adopts what the dead one made: the Content is found by
its friendly name (which carries the template's id), and an approval already requested is
read instead of requested twice."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from content.models import MessageTemplate, TemplateEvent
from content.payload import content_types
from content.services.authoring import add_event
from content.services.status import apply_status
from content.vocab import ApprovalStatus
from isvplatform import claims, gateway
from provisioning.accounts import NoTwilioAccount, tenant_account
from tenants.models import Tenant
from tenants.services import Actor, record_audit

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_SUBMIT_ATTEMPTS = 8


def backoff(attempts: int, *, base: float, cap: float) -> timedelta:
    """Exponential backoff after `attempts` tries, capped."""
    return timedelta(seconds=min(cap, base * (2 ** min(attempts, 16))))


def poll_delay(attempts: int) -> timedelta:
    """Between polls of an undecided template (Meta reviews within minutes to a day)."""
    return backoff(
        attempts,
        base=float(getattr(settings, "TEMPLATE_POLL_BASE_SECONDS", 15)),
        cap=float(getattr(settings, "TEMPLATE_POLL_MAX_SECONDS", 3600)),
    )


def live_poll_interval() -> timedelta:
    """Between polls of an approved or paused template (quality pauses, re-categorising)."""
    return timedelta(seconds=float(getattr(settings, "TEMPLATE_LIVE_POLL_SECONDS", 900)))


def tenant_client(tenant: Tenant) -> Any:
    """The tenant's own subaccount client: templates belong to the tenant's WABA, never to
    the master account's fallback."""
    account = tenant_account(tenant)
    if account.via_master:
        raise NoTwilioAccount("The tenant's Twilio subaccount isn't active yet.")
    return account.client()


def friendly_name(template: MessageTemplate) -> str:
    return f"{template.name} v{template.version} [{template.pk}]"


def _content_sid(client: Any, template: MessageTemplate) -> str:
    if template.content_sid:
        return template.content_sid
    if template.submit_attempts:
        marker = friendly_name(template)
        for found in gateway.list_contents_and_approvals(client, page_size=1000):
            if found.friendly_name == marker:
                return found.sid
    created = gateway.create_content(
        client,
        language=template.language,
        types=content_types(template),
        friendly_name=friendly_name(template),
        variables=template.variables or None,
    )
    return created.sid


def _request_approval(client: Any, template: MessageTemplate, sid: str) -> gateway.ContentApproval:
    if template.submit_attempts:
        current = gateway.fetch_approval_status(client, sid)
        if current.status and current.status != "unsubmitted":
            return current
    return gateway.submit_whatsapp_approval(
        client, sid, name=template.name, category=template.category
    )


def template_send(template_id: str) -> MessageTemplate | None:
    """Create the Content and request its WhatsApp approval; idempotent, a no-op unless the
    template waits to be sent (and not taken by another worker)."""
    queue = MessageTemplate.objects.filter(status=ApprovalStatus.SUBMITTING)
    held = claims.claim(queue, template_id, seconds=CLAIM_SECONDS)
    if held is None:
        return MessageTemplate.objects.filter(pk=template_id).first()
    template = MessageTemplate.objects.select_related("tenant").get(pk=template_id)
    sid = template.content_sid
    try:
        client = tenant_client(template.tenant)
        sid = _content_sid(client, template)
        if sid != template.content_sid:
            claims.holds(MessageTemplate.objects, held).update(content_sid=sid)
        approval = _request_approval(client, template, sid)
    except (gateway.RetryableGatewayError, NoTwilioAccount) as err:
        return _retry_later(template, held, err, content_sid=sid)
    except (gateway.GatewayError, ValueError) as err:
        return _refused(template, held, err, content_sid=_discard(template, sid))
    return _requested(template, held, approval, content_sid=sid)


def _discard(template: MessageTemplate, sid: str) -> str:
    """Delete a Content Twilio took but whose approval it refused, so the edited draft gets a
    fresh one; the SID stays when the delete fails (the next submission reuses it)."""
    if not sid:
        return ""
    try:
        gateway.delete_content(tenant_client(template.tenant), sid)
    except (gateway.GatewayError, NoTwilioAccount):
        logger.warning("template %s: could not delete Content %s", template.pk, sid)
        return sid
    return ""


def _requested(
    template: MessageTemplate, held: claims.Claim, approval: Any, *, content_sid: str
) -> MessageTemplate:
    now = timezone.now()
    with transaction.atomic():
        template = claims.holds(MessageTemplate.objects, held).select_for_update().first()
        if template is None:
            return MessageTemplate.objects.get(pk=held.pk)
        template.content_sid, template.submitted_at = content_sid, now
        template.last_error_code, template.last_error_message = None, ""
        template.poll_attempts, template.next_poll_at = 0, now + poll_delay(0)
        template.claim_token = template.claimed_until = None
        template.save()
        if not apply_status(
            template, approval.status or "received", reason=approval.rejection_reason
        ):
            logger.info("template %s: Twilio answered %s", template.pk, approval.status)
    return template


def _retry_later(
    template: MessageTemplate, held: claims.Claim, err: Exception, *, content_sid: str
) -> MessageTemplate:
    """An outage, a rate limit or a subaccount not ready: keep it queued, back off."""
    attempts = template.submit_attempts + 1
    if attempts >= MAX_SUBMIT_ATTEMPTS:
        return _refused(template, held, err, content_sid=content_sid)
    delay = backoff(attempts, base=30, cap=3600)
    claims.release(
        MessageTemplate.objects,
        held,
        submit_attempts=attempts,
        next_submit_at=timezone.now() + delay,
        last_error_code=getattr(err, "code", None),
        last_error_message=getattr(err, "message", "") or str(err),
    )
    template.refresh_from_db()
    return template


def _refused(
    template: MessageTemplate, held: claims.Claim, err: Exception, *, content_sid: str
) -> MessageTemplate:
    """Twilio refused the Content or the request: the template is a draft again, with why."""
    message = getattr(err, "message", "") or str(err)
    with transaction.atomic():
        template = claims.holds(MessageTemplate.objects, held).select_for_update().first()
        if template is None:
            return MessageTemplate.objects.get(pk=held.pk)
        template.status, template.content_sid = ApprovalStatus.DRAFT, content_sid
        template.last_error_code = getattr(err, "code", None)
        template.last_error_message = message
        template.submit_attempts += 1
        template.next_submit_at = None
        template.claim_token = template.claimed_until = None
        template.save()
        add_event(
            template,
            TemplateEvent.Kind.SUBMIT_FAILED,
            from_value=ApprovalStatus.SUBMITTING,
            to_value=ApprovalStatus.DRAFT,
            reason=message,
        )
        record_audit(
            tenant=template.tenant,
            actor=Actor.system(),
            action="template.submit_failed",
            target=template,
            changes={"error": message, "code": template.last_error_code},
        )
    return template


def due_submissions(now: datetime | None = None, limit: int = 200) -> list[str]:
    """Templates waiting to go to Twilio whose (re)try is due and nobody holds."""
    now = now or timezone.now()
    ids = (
        MessageTemplate.objects.filter(status=ApprovalStatus.SUBMITTING, next_submit_at__lte=now)
        .filter(claims.free(now))
        .order_by("next_submit_at")
        .values_list("pk", flat=True)[:limit]
    )
    return [str(pk) for pk in ids]
