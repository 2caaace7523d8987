"""Which Celery queue a task goes to: `sending`, `webhooks`, `provisioning` or `polling`,
so an operator scales each kind of work with its own workers (deploy/README.md). A task no
queue claims goes to the default queue (`CELERY_QUEUE`), which every worker also consumes.

`CELERY_QUEUE_ROUTING` turns it off: everything then goes to the default queue, as the test
suite's worker (one queue per test) expects. `CELERY_QUEUE_PREFIX` keeps several platforms
(or a test) apart on one Redis.
"""

from fnmatch import fnmatchcase
from typing import Any

from django.conf import settings

SENDING, WEBHOOKS, PROVISIONING, POLLING = "sending", "webhooks", "provisioning", "polling"
NAMED_QUEUES = (SENDING, WEBHOOKS, PROVISIONING, POLLING)

# Exact task names first, then patterns, in order: the first match wins.
ROUTES: tuple[tuple[str, str], ...] = (
    # A message or a broadcast going out, and the notification emails.
    ("messaging.send", SENDING),
    ("messaging.send_many", SENDING),
    ("broadcasts.dispatch", SENDING),
    ("billing.notify_*", SENDING),
    # Posts to tenants' endpoints, the events that queue them, and inbound processing.
    ("webhooks.deliver", WEBHOOKS),
    ("*.announce_*", WEBHOOKS),
    ("messaging.fetch_media", WEBHOOKS),
    # One object at Twilio created or changed on a tenant's request.
    ("provisioning.provision_subaccount", PROVISIONING),
    ("provisioning.buy_first_number", PROVISIONING),
    ("provisioning.suspend_subaccount", PROVISIONING),
    ("provisioning.resume_billing", PROVISIONING),
    ("provisioning.rotate_token", PROVISIONING),
    ("provisioning.ensure_api_key", PROVISIONING),
    ("compliance.run_registration", PROVISIONING),
    ("compliance.resend_brand_otp", PROVISIONING),
    ("compliance.send_tollfree", PROVISIONING),
    ("content.submit_template", PROVISIONING),
    ("whatsapp.submit_sender", PROVISIONING),
    ("whatsapp.verify_sender", PROVISIONING),
    ("whatsapp.resend_code", PROVISIONING),
    ("emails.create_identity", PROVISIONING),
    ("emails.setup_credentials", PROVISIONING),
    ("verify.sync_service", PROVISIONING),
    ("billing.sync_limit", PROVISIONING),
    # What beat starts, and the per-object polls, syncs and reconcilers it fans out to.
    ("*.poll_*", POLLING),
    ("*.sync_*", POLLING),
    ("*reconcile*", POLLING),
    ("*.*_due", POLLING),
    ("*usage*", POLLING),
    ("*rollup*", POLLING),
    ("retention.*", POLLING),
    ("ops.*", POLLING),
    ("privacy.sweep", POLLING),
    ("billing.*", POLLING),
    ("messaging.fetch_price", POLLING),
    ("messaging.settle_unknown", POLLING),
    ("messaging.sweep_outbox", POLLING),
    ("messaging.purge_idempotency", POLLING),
    ("provisioning.ensure_api_keys", POLLING),
    ("provisioning.rotate_due_tokens", POLLING),
    ("broadcasts.tick", POLLING),
    ("contacts.refresh_activity", POLLING),
    ("contacts.resume_imports", POLLING),
    ("sandbox.tasks.*", POLLING),
)


def named_queue(task_name: str) -> str | None:
    """The named queue (unprefixed) of `task_name`, or None for the default queue."""
    for pattern, queue in ROUTES:
        if fnmatchcase(task_name, pattern):
            return queue
    return None


def queue_name(queue: str) -> str:
    return f"{settings.CELERY_QUEUE_PREFIX}{queue}"


def all_queues() -> list[str]:
    """Every queue a worker that does everything consumes (`make run`'s single worker)."""
    default = settings.CELERY_TASK_DEFAULT_QUEUE
    if not settings.CELERY_QUEUE_ROUTING:
        return [default]
    return [default, *(queue_name(q) for q in NAMED_QUEUES)]


def route_task(name: str, args: Any, kwargs: Any, options: dict, task=None, **kw) -> dict | None:
    """Celery's router (`CELERY_TASK_ROUTES`), read at every publish so that a test may turn
    routing off for its own worker; an explicit `queue=` still wins (Celery merges it over)."""
    if not settings.CELERY_QUEUE_ROUTING:
        return None
    queue = named_queue(name)
    return {"queue": queue_name(queue)} if queue else None
