"""Queueing the templates' Celery tasks by name, once the surrounding transaction commits.

The services enqueue here instead of importing `content.tasks`, which imports the services:
the task is looked up in Celery's registry by its name (`apps.py` registers the tasks)."""

import uuid
from typing import Any

from django.db import transaction

from isvplatform.celery import app

SUBMIT_TEMPLATE = "content.submit_template"
ANNOUNCE_EVENT = "content.announce_event"
SYNC_TEMPLATES = "content.sync_templates"
POLL_TEMPLATE = "content.poll_template"


def _delay(name: str, *args: Any) -> None:
    app.tasks[name].delay(*args)


def submit_template(template_id: uuid.UUID | str) -> None:
    """Send a template to Twilio (Content + WhatsApp approval request) after the commit."""
    transaction.on_commit(lambda: _delay(SUBMIT_TEMPLATE, str(template_id)))


def announce_event(event_id: int) -> None:
    """Email the owners and emit the tenant-webhook event of one status move, after the commit."""
    transaction.on_commit(lambda: _delay(ANNOUNCE_EVENT, event_id))


def sync_templates(tenant_id: int) -> None:
    """Import the subaccount's Content made in Twilio's console, after the commit."""
    transaction.on_commit(lambda: _delay(SYNC_TEMPLATES, tenant_id))


def poll_template(template_id: uuid.UUID | str) -> None:
    """Read the template's approval from Twilio now (a forced poll), after the commit."""
    transaction.on_commit(lambda: _delay(POLL_TEMPLATE, str(template_id), True))
