"""A contact's last activity: when they last wrote to the tenant (an inbound message).

Read from messaging's table in one GROUP BY over a recent window by a periodic task,
instead of a write on messaging's inbound path; the update only moves the time forward,
so overlapping windows are harmless."""

import datetime

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from contacts.models import Contact
from messaging.models import Direction, Message


def activity_refresh(*, since: datetime.datetime | None = None) -> int:
    """Set `last_activity_at` of contacts who wrote since `since` (default: the window of
    `CONTACT_ACTIVITY_WINDOW_MINUTES`); how many contacts moved."""
    if since is None:
        minutes = getattr(settings, "CONTACT_ACTIVITY_WINDOW_MINUTES", 15)
        since = timezone.now() - datetime.timedelta(minutes=minutes)
    latest = (
        Message.objects.filter(direction=Direction.INBOUND, created_at__gte=since)
        .exclude(from_number="")
        .values("tenant_id", "from_number")
        .annotate(at=Max("created_at"))
        .order_by()
    )
    moved = 0
    for row in latest.iterator(chunk_size=2000):
        moved += (
            Contact.objects.filter(tenant_id=row["tenant_id"], phone=row["from_number"])
            .filter(Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=row["at"]))
            .update(last_activity_at=row["at"])
        )
    return moved
