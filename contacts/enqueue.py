"""Queueing the contacts app's Celery tasks by name, once the surrounding transaction
commits (the services don't import `contacts.tasks`, which imports them)."""

from isvplatform.enqueue import publish_after_commit

RUN_IMPORT = "contacts.run_import"


def run_import(import_id: str) -> None:
    """Run (or continue) an import after the commit."""
    publish_after_commit(RUN_IMPORT, import_id)
