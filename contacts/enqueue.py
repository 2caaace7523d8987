"""Queueing the contacts app's Celery tasks by name, once the surrounding transaction
commits (the services don't import `contacts.tasks`, which imports them)."""

from django.db import transaction

from isvplatform.celery import app

RUN_IMPORT = "contacts.run_import"


def run_import(import_id: str) -> None:
    """Run (or continue) an import after the commit."""
    transaction.on_commit(lambda: app.tasks[RUN_IMPORT].delay(import_id))
