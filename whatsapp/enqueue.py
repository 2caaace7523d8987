"""Queueing the app's Celery tasks by name, once the surrounding transaction commits (the
services never import `whatsapp.tasks`, which imports them; `apps.py` registers the tasks)."""

import uuid
from typing import Any

from isvplatform.enqueue import publish_after_commit

SUBMIT = "whatsapp.submit_sender"
VERIFY = "whatsapp.verify_sender"
RESEND = "whatsapp.resend_code"
POLL = "whatsapp.poll_sender"
ANNOUNCE = "whatsapp.announce_event"


def _later(name: str, *args: Any) -> None:
    publish_after_commit(name, *args)


def submit(sender_id: uuid.UUID | str) -> None:
    _later(SUBMIT, str(sender_id))


def verify(sender_id: uuid.UUID | str) -> None:
    _later(VERIFY, str(sender_id))


def resend(sender_id: uuid.UUID | str) -> None:
    _later(RESEND, str(sender_id))


def poll(sender_id: uuid.UUID | str, force: bool = False) -> None:
    _later(POLL, str(sender_id), force)


def announce(event_id: int) -> None:
    _later(ANNOUNCE, event_id)
