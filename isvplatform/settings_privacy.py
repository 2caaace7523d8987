"""Settings of the privacy jobs (privacy/): forget-this-person erasures and tenant data exports."""

from typing import Any

import environ


def privacy_settings(env: environ.Env) -> dict[str, Any]:
    # Rows per statement of an erasure or an export: each batch commits on its own, so no
    # lock is held for long and a worker that dies resumes at the batch it was on.
    PRIVACY_BATCH_SIZE = env.int("PRIVACY_BATCH_SIZE", default=1000)
    # How long a worker holds an erasure or an export before another may take it over.
    PRIVACY_LEASE_SECONDS = env.int("PRIVACY_LEASE_SECONDS", default=600)
    # A claim that keeps failing stops being retried (the request shows "failed").
    PRIVACY_MAX_ATTEMPTS = env.int("PRIVACY_MAX_ATTEMPTS", default=5)
    # A finished export can be downloaded this long, then its file is deleted.
    PRIVACY_EXPORT_TTL_HOURS = env.int("PRIVACY_EXPORT_TTL_HOURS", default=72)
    # The `STORAGES` alias exports are written to ("default": MEDIA_ROOT on disk, or a
    # django-storages backend configured there). Never served by URL, only by the portal/API.
    PRIVACY_EXPORT_STORAGE = env("PRIVACY_EXPORT_STORAGE", default="default")
    # After an erasure, Twilio's late callbacks about the messages it erased (which carry
    # the number again) are deleted by the sweep for this long.
    PRIVACY_LATE_EVENT_HOURS = env.int("PRIVACY_LATE_EVENT_HOURS", default=72)
    beat = {
        # Picks up erasures and exports whose worker died (lease ran out, or the enqueue was
        # lost), deletes expired export files and late callbacks of erased messages.
        "privacy-sweep": {"task": "privacy.sweep", "schedule": 300.0},
    }
    values = {k: v for k, v in locals().items() if k.isupper()}
    values["PRIVACY_BEAT"] = beat
    return values
