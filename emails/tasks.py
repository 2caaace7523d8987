"""Celery tasks of the emails app: thin, by id, idempotent; the services do the work. A
passing ESP trouble (throttling, 5xx, no connection) is retried with backoff."""

from celery import shared_task

from emails.esp import RetryableEspError
from emails.services import identities, setup

RETRY = {
    "autoretry_for": (RetryableEspError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="emails.create_identity", acks_late=True, **RETRY)
def create_identity_task(identity_id: str) -> str:
    return identities.identity_submit(identity_id)


@shared_task(name="emails.check_identity", acks_late=True, **RETRY)
def check_identity_task(identity_id: str, force: bool = False) -> str:
    return identities.identity_check(identity_id, force=force)


@shared_task(name="emails.poll_identities")
def poll_identities_task() -> int:
    """Beat: check every identity at SES whose next check is due."""
    due = identities.due_identities()
    for identity_id in due:
        check_identity_task.delay(identity_id)
    return len(due)


@shared_task(name="emails.setup_credentials", acks_late=True, **RETRY)
def setup_credentials_task(credentials_id: str) -> str:
    return setup.credentials_setup(credentials_id)
