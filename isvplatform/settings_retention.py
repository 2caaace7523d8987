"""Settings of the retention jobs (retention/): how long raw webhook events and message
bodies are kept when a tenant has not chosen, the bounds a tenant may choose within, the
batch size, and the daily beat job."""

from typing import Any

import environ
from celery.schedules import crontab


def retention_settings(env: environ.Env) -> dict[str, Any]:
    # Raw events (Twilio callbacks, ESP tracking events, sent tenant-webhook deliveries) are
    # kept this many days by default: long enough to debug a month's delivery questions.
    RETENTION_EVENT_DAYS = env.int("RETENTION_EVENT_DAYS", default=90)
    # Message bodies are kept forever by default (empty): blanking what a tenant has today
    # must be its own or the operator's choice, never a surprise of an upgrade.
    RETENTION_BODY_DAYS = env.int("RETENTION_BODY_DAYS", default=None)
    # What a tenant (or staff) may choose. The lower bound stays well beyond every window a
    # running process reads (early callbacks, the reconciler, Stripe's and Twilio's retries).
    RETENTION_MIN_DAYS = env.int("RETENTION_MIN_DAYS", default=7)
    RETENTION_MAX_DAYS = env.int("RETENTION_MAX_DAYS", default=3650)
    # Rows per statement: each batch commits on its own, so no lock is held for long.
    RETENTION_BATCH_SIZE = env.int("RETENTION_BATCH_SIZE", default=5000)
    beat = {
        "retention-daily": {"task": "retention.run_all", "schedule": crontab(hour=3, minute=40)},
    }
    values = {k: v for k, v in locals().items() if k.isupper()}
    values["RETENTION_BEAT"] = beat
    return values
