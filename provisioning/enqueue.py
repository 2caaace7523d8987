"""Queueing provisioning's Celery tasks by name, once the surrounding transaction commits.

The services enqueue here instead of importing `provisioning.tasks`, which imports the
services: the task is looked up in Celery's registry by its name (`apps.py` registers the
tasks when Django starts), so eager mode (tests) still runs it in place, as `.delay()` does.
"""

import uuid

from django.db import transaction

from isvplatform.enqueue import publish

PROVISION_SUBACCOUNT = "provisioning.provision_subaccount"
BUY_FIRST_NUMBER = "provisioning.buy_first_number"
SUSPEND_SUBACCOUNT = "provisioning.suspend_subaccount"
RESUME_BILLING = "provisioning.resume_billing"
SYNC_NUMBERS = "provisioning.sync_numbers"


def provision_subaccount(subaccount_id: uuid.UUID | str) -> None:
    """Create or adopt the subaccount in Twilio after the commit (the task is idempotent)."""
    transaction.on_commit(lambda: publish(PROVISION_SUBACCOUNT, str(subaccount_id)))


def buy_first_number(subaccount_id: uuid.UUID | str) -> None:
    """Buy the number asked for at sign-up, after the commit that activated the subaccount."""
    transaction.on_commit(lambda: publish(BUY_FIRST_NUMBER, str(subaccount_id)))


def suspend_subaccount(subaccount_id: uuid.UUID | str, reason: str) -> None:
    """Billing's suspension, in Twilio and here, after the commit that recorded the event."""
    transaction.on_commit(lambda: publish(SUSPEND_SUBACCOUNT, str(subaccount_id), reason))


def resume_billing(subaccount_id: uuid.UUID | str) -> None:
    """Lift billing's suspension or scheduled closing, after the commit."""
    transaction.on_commit(lambda: publish(RESUME_BILLING, str(subaccount_id)))


def sync_numbers(subaccount_id: uuid.UUID | str) -> None:
    """Adopt the account's numbers and set their webhooks, after the commit that connected it."""
    transaction.on_commit(lambda: publish(SYNC_NUMBERS, str(subaccount_id)))
