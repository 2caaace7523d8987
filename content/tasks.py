"""Celery tasks of message templates: thin, by id, idempotent; the services do the work."""

from celery import shared_task

from content import notify, services


@shared_task(name="content.submit_template", acks_late=True)
def submit_template_task(template_id: str) -> str:
    """Create the Content and its WhatsApp approval request (a repeat finds it taken)."""
    template = services.template_send(template_id)
    return template.status if template is not None else "missing"


@shared_task(name="content.poll_template", acks_late=True)
def poll_template_task(template_id: str, force: bool = False) -> str:
    template = services.template_poll(template_id, force=force)
    return template.status if template is not None else "missing"


@shared_task(name="content.poll_due")
def poll_due_task() -> int:
    """Beat: send the templates waiting for (another) try, poll those whose poll is due."""
    sends = services.due_submissions()
    for template_id in sends:
        submit_template_task.delay(template_id)
    polls = services.due_polls()
    for template_id in polls:
        poll_template_task.delay(template_id)
    return len(sends) + len(polls)


@shared_task(name="content.sync_templates", acks_late=True)
def sync_templates_task(tenant_id: int) -> int:
    """Import the subaccount's Content made in Twilio's console."""
    return services.templates_sync(tenant_id).imported


@shared_task(name="content.announce_event")
def announce_event_task(event_id: int) -> None:
    """Email the owners and queue the tenant-webhook event of one status or category move."""
    notify.announce(event_id)
