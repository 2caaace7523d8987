"""The local SES on the sandbox clock: identities verify, events come due and are
published through SNS, SNS deliveries are made and retried."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sandbox.aws import delivery, events
from sandbox.aws.models import SesEmail, SesEvent, SesIdentity
from sandbox.core.lifecycle import on_tick


@on_tick(order=300)
def verify_identities(now: dt.datetime) -> int:
    """Pending identities verify once their time has come; `.invalid` domains fail (no DNS)."""
    due = SesIdentity.objects.filter(status=SesIdentity.Status.PENDING, verify_at__lte=now)
    changed = 0
    for identity in due:
        domain = identity.name.rpartition("@")[2]
        failed = identity.type == SesIdentity.Type.DOMAIN and domain.endswith(".invalid")
        identity.status = SesIdentity.Status.FAILED if failed else SesIdentity.Status.SUCCESS
        identity.verified_at = identity.verify_at
        identity.save(update_fields=["status", "verified_at"])
        changed += 1
    return changed


def _auto_reply(event: SesEvent) -> None:
    """ooto@: an RFC 3834 auto-reply lands in the sender's mailbox."""
    original = event.email
    address = event.recipients[0]
    SesEmail.objects.create(
        account=original.account,
        region=original.region,
        message_id=f"auto-{event.pk}-{original.message_id}"[:80],
        source=address,
        from_header=address,
        subject=f"Out of the office: {original.subject}"[:998],
        text="I am out of the office and will reply when I return.",
        headers=[
            {"name": "From", "value": address},
            {"name": "To", "value": original.source},
            {"name": "Subject", "value": f"Out of the office: {original.subject}"},
            {"name": "Auto-Submitted", "value": "auto-replied"},
            {"name": "In-Reply-To", "value": f"<{original.message_id}@email.amazonses.com>"},
        ],
        raw=b"",
        destination={"addresses": [original.source]},
        auto_reply_to=original,
        sent_at=event.due_at,
    ).recipients.create(address=original.source.lower(), outcome="delivery")


@on_tick(order=310)
def publish_events(now: dt.datetime) -> int:
    due = list(
        SesEvent.objects.select_related("email__account")
        .filter(published_at__isnull=True, due_at__lte=now)
        .order_by("due_at", "id")[:500]
    )
    for event in due:
        with transaction.atomic():
            if not SesEvent.objects.filter(pk=event.pk, published_at__isnull=True).update(
                published_at=now
            ):
                continue
            if event.event_type == "AutoReply":
                _auto_reply(event)
            else:
                events.publish(event, event.due_at)
    return len(due)


@on_tick(order=320)
def deliver_notifications(now: dt.datetime) -> int:
    return delivery.deliver_due(now)
