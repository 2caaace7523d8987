"""Celery tasks of the contact book: thin, by id, idempotent; the services do the work."""

from celery import shared_task
from django.db import OperationalError

from contacts.services import import_run, imports_to_resume
from contacts.services.activity import activity_refresh


@shared_task(
    name="contacts.run_import",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def run_import_task(import_id: str) -> str:
    """Import the next chunks of a CSV (a second run finds the import claimed or done)."""
    return import_run(import_id)


@shared_task(name="contacts.resume_imports")
def resume_imports_task() -> int:
    """Beat: continue imports whose worker died or whose task was lost."""
    found = imports_to_resume()
    for import_id in found:
        run_import_task.delay(import_id)
    return len(found)


@shared_task(name="contacts.refresh_activity")
def refresh_activity_task() -> int:
    """Beat: contacts who wrote in the last minutes get their last activity time."""
    return activity_refresh()
