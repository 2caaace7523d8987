"""Queueing the emails app's Celery tasks by name once the surrounding transaction commits
(services never import `emails.tasks`, which imports them; `apps.py` registers the tasks)."""

import uuid
from typing import Any

from django.db import transaction

from isvplatform.celery import app

CREATE_IDENTITY = "emails.create_identity"
CHECK_IDENTITY = "emails.check_identity"
SETUP_CREDENTIALS = "emails.setup_credentials"


def _later(name: str, *args: Any) -> None:
    transaction.on_commit(lambda: app.tasks[name].delay(*args))


def create_identity(identity_id: uuid.UUID | str) -> None:
    _later(CREATE_IDENTITY, str(identity_id))


def check_identity(identity_id: uuid.UUID | str, force: bool = False) -> None:
    _later(CHECK_IDENTITY, str(identity_id), force)


def setup_credentials(credentials_id: uuid.UUID | str) -> None:
    _later(SETUP_CREDENTIALS, str(credentials_id))
