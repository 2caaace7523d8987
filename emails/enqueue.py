"""Queueing the emails app's Celery tasks by name once the surrounding transaction commits
(services never import `emails.tasks`, which imports them; `apps.py` registers the tasks)."""

import uuid
from typing import Any

from isvplatform.enqueue import publish_after_commit

CREATE_IDENTITY = "emails.create_identity"
CHECK_IDENTITY = "emails.check_identity"
SETUP_CREDENTIALS = "emails.setup_credentials"


def _later(name: str, *args: Any) -> None:
    publish_after_commit(name, *args)


def create_identity(identity_id: uuid.UUID | str) -> None:
    _later(CREATE_IDENTITY, str(identity_id))


def check_identity(identity_id: uuid.UUID | str, force: bool = False) -> None:
    _later(CHECK_IDENTITY, str(identity_id), force)


def setup_credentials(credentials_id: uuid.UUID | str) -> None:
    _later(SETUP_CREDENTIALS, str(credentials_id))
