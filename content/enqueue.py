"""Queueing the templates' Celery tasks by name, once the surrounding transaction commits.

The services enqueue here instead of importing `content.tasks`, which imports the services:
the task is looked up in Celery's registry by its name (`apps.py` registers the tasks)."""

import uuid

from django.db import transaction

from isvplatform.enqueue import publish

SUBMIT_TEMPLATE = "content.submit_template"
ANNOUNCE_EVENT = "content.announce_event"
SYNC_TEMPLATES = "content.sync_templates"
POLL_TEMPLATE = "content.poll_template"


def submit_template(template_id: uuid.UUID | str) -> None:
    """Send a template to Twilio (Content + WhatsApp approval request) after the commit."""
    transaction.on_commit(lambda: publish(SUBMIT_TEMPLATE, str(template_id)))


def announce_event(event_id: int) -> None:
    """Email the owners and emit the tenant-webhook event of one status move, after the commit."""
    transaction.on_commit(lambda: publish(ANNOUNCE_EVENT, event_id))


def sync_templates(tenant_id: int) -> None:
    """Import the subaccount's Content made in Twilio's console, after the commit."""
    transaction.on_commit(lambda: publish(SYNC_TEMPLATES, tenant_id))


def poll_template(template_id: uuid.UUID | str) -> None:
    """Read the template's approval from Twilio now (a forced poll), after the commit."""
    transaction.on_commit(lambda: publish(POLL_TEMPLATE, str(template_id), True))
