"""Settings of usage, price plans, statements, Stripe meters, spending limits and sending
quotas (billing/), read from the environment, and their beat jobs."""

from typing import Any

import environ
from celery.schedules import crontab


def billing_settings(env: environ.Env, twilio_mode: str) -> dict[str, Any]:
    # --- usage sync: closed days once a day, today every hour ---------------------------
    # Closed days are re-read this far back (Twilio settles late usage within a day or two).
    BILLING_USAGE_CLOSED_DAYS = env.int("BILLING_USAGE_CLOSED_DAYS", default=3)
    BILLING_USAGE_TODAY_SECONDS = env.float("BILLING_USAGE_TODAY_SECONDS", default=3600.0)
    # A day's Twilio price and the platform's per-message prices may differ by this much
    # (percent, and at least this amount) before the drift is flagged.
    BILLING_DRIFT_PERCENT = env.float("BILLING_DRIFT_PERCENT", default=2.0)
    BILLING_DRIFT_MIN_AMOUNT = env("BILLING_DRIFT_MIN_AMOUNT", default="0.05")
    # --- anomalies: a day's spend above this multiple of the trailing daily average -----
    BILLING_ANOMALY_MULTIPLE = env.float("BILLING_ANOMALY_MULTIPLE", default=3.0)
    BILLING_ANOMALY_TRAILING_DAYS = env.int("BILLING_ANOMALY_TRAILING_DAYS", default=14)
    BILLING_ANOMALY_MIN_SPEND = env("BILLING_ANOMALY_MIN_SPEND", default="1.00")
    # Who staff alerts go to (empty: every active staff user with an email address).
    BILLING_STAFF_EMAILS = env.list("BILLING_STAFF_EMAILS", default=[])
    # --- spending limits ------------------------------------------------------------------
    # The periodic check for a Usage Trigger callback that never arrived.
    BILLING_LIMIT_CHECK_SECONDS = env.float("BILLING_LIMIT_CHECK_SECONDS", default=600.0)
    BILLING_LIMIT_CLAIM_SECONDS = env.int("BILLING_LIMIT_CLAIM_SECONDS", default=120)
    # How long a tenant's "a hard limit stops sending" verdict is remembered per process
    # group (every send reads it; each state change forgets it at once).
    BILLING_LIMIT_CACHE_SECONDS = env.float("BILLING_LIMIT_CACHE_SECONDS", default=5.0)
    BILLING_USAGE_TRIGGER_PATH = env(
        "BILLING_USAGE_TRIGGER_PATH", default="/webhooks/twilio/usage-trigger"
    )
    # --- sending quotas and ramp-up -------------------------------------------------------
    # New tenants' daily SMS limit climbs these levels: LC Phone's 8-level ramp-up model
    # (HighLevel's LC Phone messaging policy, effective 2024-02-01, as documented at
    # coreconnect.com/docs/lc-phone/lc-phone-messaging-policy and in HighLevel's product
    # update "Ramp-Up Model v2": level 1 is 100 a day, then 250, 500, 750, 1500, 2250, 3000,
    # and level 8 is "3000+"). Levels 1-7 are the list; moving up past the last is level 8:
    # the tenant leaves the ramp with no daily quota (staff may set one: `quota_set`).
    # LC Phone moves a sub-account up when it sent its full limit within the day; here a
    # daily review (billing.review_ramps) moves up one level when yesterday the tenant used
    # at least BILLING_RAMP_MIN_USE of its limit (1.0: all of it, as LC Phone) and its
    # opt-out and error rates stayed at or under these; otherwise it holds, with the
    # reason. Empty turns the ramp off.
    BILLING_RAMP_UP_LEVELS = env.list(
        "BILLING_RAMP_UP_LEVELS",
        cast=int,
        default=[100, 250, 500, 750, 1500, 2250, 3000],
    )
    BILLING_RAMP_UP_CHANNELS = env.list("BILLING_RAMP_UP_CHANNELS", default=["sms"])
    BILLING_RAMP_MAX_OPT_OUT_RATE = env.float("BILLING_RAMP_MAX_OPT_OUT_RATE", default=0.02)
    BILLING_RAMP_MAX_ERROR_RATE = env.float("BILLING_RAMP_MAX_ERROR_RATE", default=0.05)
    # The share of the daily limit a tenant must have used for its level to rise.
    BILLING_RAMP_MIN_USE = env.float("BILLING_RAMP_MIN_USE", default=1.0)
    # How long a send remembers the tenant's quota row (saving the row forgets it at once).
    BILLING_QUOTA_CACHE_SECONDS = env.int("BILLING_QUOTA_CACHE_SECONDS", default=30)
    # --- Stripe Billing meters --------------------------------------------------------------
    # "live" with STRIPE_API_KEY; "sandbox" (the local Stripe in sandbox/stripe) by default
    # beside the Twilio sandbox; "off" reports nothing.
    STRIPE_API_KEY = env("STRIPE_API_KEY", default="")
    STRIPE_MODE = env(
        "STRIPE_MODE",
        default="live" if STRIPE_API_KEY else ("sandbox" if twilio_mode == "sandbox" else "off"),
    )
    STRIPE_SANDBOX_URL = env("STRIPE_SANDBOX_URL", default="")  # empty: in this process
    # The local Stripe's secret key (empty: one derived from SECRET_KEY, sandbox.stripe.keys).
    STRIPE_SANDBOX_API_KEY = env("STRIPE_SANDBOX_API_KEY", default="")
    STRIPE_METER_EVENT_NAME = env("STRIPE_METER_EVENT_NAME", default="isvplatform_usage")
    STRIPE_REPORT_CLAIM_SECONDS = env.int("STRIPE_REPORT_CLAIM_SECONDS", default=120)
    beat = {
        "billing-sync-today": {
            "task": "billing.sync_usage_today",
            "schedule": BILLING_USAGE_TODAY_SECONDS,
        },
        "billing-sync-closed-days": {
            "task": "billing.sync_usage_closed_days",
            "schedule": crontab(hour=1, minute=15),
        },
        "billing-statements": {"task": "billing.build_statements", "schedule": crontab(minute=35)},
        "billing-stripe-report": {"task": "billing.report_to_stripe", "schedule": 900.0},
        "billing-limit-check": {
            "task": "billing.check_limits",
            "schedule": BILLING_LIMIT_CHECK_SECONDS,
        },
        "billing-ramp-review": {
            "task": "billing.review_ramps",
            "schedule": crontab(hour=0, minute=20),
        },
    }
    values = {k: v for k, v in locals().items() if k.isupper()}
    values["BILLING_BEAT"] = beat
    return values
