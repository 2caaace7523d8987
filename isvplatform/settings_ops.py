"""Settings of the staff alerts (ops/): thresholds, how often beat evaluates them, and
who is emailed. The defaults are the thresholds `deploy/prometheus/alerts.yml` uses, so an
in-app alert and a Prometheus alert fire on the same condition (`ops/tests/test_rules.py`
holds the two together)."""

from typing import Any

import environ
from celery.schedules import crontab


def ops_settings(env: environ.Env) -> dict[str, Any]:
    # Delivery rate: among outbound messages that reached an outcome (delivered, failed,
    # undelivered) in the window, at least this share delivered, once enough of them did.
    OPS_DELIVERY_WINDOW_MINUTES = env.int("OPS_DELIVERY_WINDOW_MINUTES", default=15)
    OPS_DELIVERY_RATE_MIN_PERCENT = env.float("OPS_DELIVERY_RATE_MIN_PERCENT", default=90.0)
    OPS_DELIVERY_MIN_MESSAGES = env.int("OPS_DELIVERY_MIN_MESSAGES", default=20)
    # Carrier filtering: messages failed with these Twilio codes in the window (30007 carrier
    # filtered as spam, 30032 toll-free number not verified, 30034 10DLC number not registered).
    OPS_CARRIER_FILTER_CODES = env.list(
        "OPS_CARRIER_FILTER_CODES", cast=int, default=[30007, 30032, 30034]
    )
    OPS_CARRIER_FILTER_WINDOW_MINUTES = env.int("OPS_CARRIER_FILTER_WINDOW_MINUTES", default=15)
    OPS_CARRIER_FILTER_MAX = env.int("OPS_CARRIER_FILTER_MAX", default=10)
    # Callbacks refused for their signature (Twilio) or basic auth (the ESP) in the window.
    OPS_SIGNATURE_WINDOW_MINUTES = env.int("OPS_SIGNATURE_WINDOW_MINUTES", default=15)
    OPS_SIGNATURE_FAILURES_MAX = env.int("OPS_SIGNATURE_FAILURES_MAX", default=5)
    # The oldest outbound message not yet handed to Twilio; the tasks waiting in a queue.
    OPS_OUTBOX_MAX_AGE_SECONDS = env.int("OPS_OUTBOX_MAX_AGE_SECONDS", default=300)
    OPS_QUEUE_MAX_LENGTH = env.int("OPS_QUEUE_MAX_LENGTH", default=1000)
    # A 10DLC registration or toll-free verification submitted and still under review.
    OPS_REGISTRATION_STUCK_HOURS = env.int("OPS_REGISTRATION_STUCK_HOURS", default=168)
    # The worker heartbeat runs every 30 s; this long without one, the worker is lost.
    OPS_HEARTBEAT_MAX_AGE_SECONDS = env.int("OPS_HEARTBEAT_MAX_AGE_SECONDS", default=180)
    # A tenant endpoint whose latest attempts (this many, all in the window) all failed.
    OPS_WEBHOOK_FAILED_ATTEMPTS = env.int("OPS_WEBHOOK_FAILED_ATTEMPTS", default=5)
    OPS_WEBHOOK_WINDOW_MINUTES = env.int("OPS_WEBHOOK_WINDOW_MINUTES", default=60)
    # Who is emailed when an alert opens and resolves: these addresses, or else every
    # active staff user with an email address.
    OPS_ALERT_EMAILS = env.list("OPS_ALERT_EMAILS", default=[])
    OPS_EVALUATE_SECONDS = env.float("OPS_EVALUATE_SECONDS", default=60.0)
    # Monthly partitions (PostgreSQL, isvplatform/partitions.py) exist this many months
    # ahead: a missed run or two leaves rows going to the right month, never the default.
    OPS_PARTITION_MONTHS_AHEAD = env.int("OPS_PARTITION_MONTHS_AHEAD", default=3)
    OPS_BEAT = {
        "ops-evaluate-alerts": {"task": "ops.evaluate_alerts", "schedule": OPS_EVALUATE_SECONDS},
        "ops-ensure-partitions": {
            "task": "ops.ensure_partitions",
            "schedule": crontab(hour=2, minute=17),
        },
    }
    return {k: v for k, v in locals().items() if k.startswith("OPS_")}
