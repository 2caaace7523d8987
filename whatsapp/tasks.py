"""Celery tasks of WhatsApp senders: thin, by id, idempotent; the services do the work."""

from celery import shared_task

from whatsapp import notify, services


@shared_task(name="whatsapp.submit_sender", acks_late=True)
def submit_sender_task(sender_id: str) -> str:
    sender = services.submit_sender(sender_id)
    return sender.status if sender is not None else "missing"


@shared_task(name="whatsapp.verify_sender", acks_late=True)
def verify_sender_task(sender_id: str) -> str:
    sender = services.verify_sender(sender_id)
    return sender.status if sender is not None else "missing"


@shared_task(name="whatsapp.resend_code", acks_late=True)
def resend_code_task(sender_id: str) -> str:
    sender = services.resend_code(sender_id)
    return sender.status if sender is not None else "missing"


@shared_task(name="whatsapp.poll_sender", acks_late=True)
def poll_sender_task(sender_id: str, force: bool = False) -> str:
    sender = services.poll_sender(sender_id, force=force)
    return sender.status if sender is not None else "missing"


@shared_task(name="whatsapp.poll_due")
def poll_due_task() -> int:
    """Beat: send the senders not yet in Twilio, poll the others whose check is due."""
    due = services.due_senders()
    for action, sender_id in due:
        (submit_sender_task if action == "submit" else poll_sender_task).delay(sender_id)
    return len(due)


@shared_task(name="whatsapp.announce_event")
def announce_event_task(event_id: int) -> int:
    return notify.announce(event_id)
