"""Celery tasks of message templates: thin, by id, idempotent; the services do the work."""

from celery import shared_task

from content import notify


@shared_task(name="content.announce_event")
def announce_event_task(event_id: int) -> None:
    """Email the owners and queue the tenant-webhook event of one status or category move."""
    notify.announce(event_id)
