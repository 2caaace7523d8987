"""Queueing compliance's Celery tasks by name, once the surrounding transaction commits.

The services enqueue here instead of importing `compliance.tasks`, which imports the
services: the task is looked up in Celery's registry by its name (`apps.py` registers the
tasks when Django starts), so eager mode (tests) still runs it in place, as `.delay()` does.
"""

import uuid

from django.db import transaction

from isvplatform.enqueue import publish

RUN_REGISTRATION = "compliance.run_registration"
ANNOUNCE_TRANSITION = "compliance.announce_transition"
RESEND_BRAND_OTP = "compliance.resend_brand_otp"
SEND_TOLLFREE = "compliance.send_tollfree"


def run_registration(registration_id: uuid.UUID | str) -> None:
    """Advance the version's chain after the commit (a run claims it, so repeats are cheap)."""
    transaction.on_commit(lambda: publish(RUN_REGISTRATION, str(registration_id)))


def announce_transition(transition_id: int) -> None:
    """Email and webhook for one recorded transition, after the commit."""
    transaction.on_commit(lambda: publish(ANNOUNCE_TRANSITION, transition_id))


def resend_brand_otp(brand_id: uuid.UUID | str) -> None:
    """Have Twilio text a sole proprietor's OTP again, after the commit."""
    transaction.on_commit(lambda: publish(RESEND_BRAND_OTP, str(brand_id)))


def send_tollfree(verification_id: uuid.UUID | str) -> None:
    """Send a toll-free verification version to Twilio after the commit."""
    transaction.on_commit(lambda: publish(SEND_TOLLFREE, str(verification_id)))
