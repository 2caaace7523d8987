"""Celery tasks of 10DLC registration: thin, by id, idempotent; the services do the work."""

from celery import shared_task

from compliance import notify, services


@shared_task(name="compliance.run_registration", acks_late=True)
def run_registration_task(registration_id: str) -> str:
    """Advance one version's chain (a concurrent run of the same version just returns)."""
    registration = services.registration_run(registration_id)
    return registration.status if registration is not None else "busy"


@shared_task(name="compliance.poll_object", acks_late=True)
def poll_object_task(step: str, object_id: str, force: bool = False) -> str:
    obj = services.poll_object(step, object_id, force=force)
    return obj.status if obj is not None else "missing"


@shared_task(name="compliance.resend_brand_otp", acks_late=True)
def resend_brand_otp_task(brand_id: str) -> str:
    """The owner asked for the OTP text again (a repeat finds the request taken)."""
    brand = services.brand_otp_send(brand_id)
    return "skipped" if brand is None else "handled"


@shared_task(name="compliance.poll_bundle", acks_late=True)
def poll_bundle_task(sid: str) -> str:
    """A TrustHub status callback arrived for this bundle."""
    obj = services.poll_bundle_by_sid(sid)
    return obj.status if obj is not None else "unknown"


@shared_task(name="compliance.poll_due")
def poll_due_task() -> int:
    """Beat: one poll task per object whose review may have moved (with backoff per object)."""
    due = services.due_polls()
    for step, object_id in due:
        poll_object_task.delay(step, object_id)
    return len(due)


@shared_task(name="compliance.run_due")
def run_due_task() -> int:
    """Beat: versions waiting to retry (outage, rate limit) or to re-check a review."""
    due = services.due_runs()
    for registration_id in due:
        run_registration_task.delay(registration_id)
    return len(due)


@shared_task(name="compliance.announce_transition")
def announce_transition_task(transition_id: int) -> None:
    """Email the owners and queue the tenant-webhook event of one recorded transition."""
    notify.announce(transition_id)


@shared_task(name="compliance.send_tollfree", acks_late=True)
def send_tollfree_task(verification_id: str) -> str:
    """Create (or edit) one toll-free verification version in Twilio."""
    verification = services.tollfree_send(verification_id)
    return verification.status if verification is not None else "missing"


@shared_task(name="compliance.poll_tollfree", acks_late=True)
def poll_tollfree_task(verification_id: str, force: bool = False) -> str:
    verification = services.tollfree_poll(verification_id, force=force)
    return verification.status if verification is not None else "missing"


@shared_task(name="compliance.tollfree_due")
def tollfree_due_task() -> int:
    """Beat: send the versions waiting to go to Twilio, poll the ones under review."""
    due = services.tollfree_due()
    for action, verification_id in due:
        task = send_tollfree_task if action == "send" else poll_tollfree_task
        task.delay(verification_id)
    return len(due)
