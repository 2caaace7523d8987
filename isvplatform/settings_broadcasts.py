"""Settings of broadcast dispatch (broadcasts/, messaging/pacing.py) and of broadcasts' live
progress (broadcasts/streams.py), read from the environment."""

from typing import Any

import environ


def broadcast_settings(env: environ.Env) -> dict[str, Any]:
    """Pacing, batches, leases and quiet hours of the dispatcher; the progress streams."""
    # Pacing per sender (its real MPS and daily cap); False sends as fast as the workers go.
    BROADCAST_PACING = env.bool("BROADCAST_PACING", default=True)
    # Sends are paced at this share of the sender's limit (network jitter stays under it).
    BROADCAST_PACING_HEADROOM = env.float("BROADCAST_PACING_HEADROOM", default=0.9)
    # One rate for every sender (tests, benches); 0 keeps each sender's own limit.
    BROADCAST_MPS_OVERRIDE = env.float("BROADCAST_MPS_OVERRIDE", default=0.0)
    # Where the token buckets live: "redis", "db", or "" (Redis whenever REDIS_URL is set).
    BROADCAST_BUCKET_BACKEND = env("BROADCAST_BUCKET_BACKEND", default="")
    # The model of the database buckets (key, tat, day, day_count).
    BROADCAST_BUCKET_MODEL = "broadcasts.SendBucket"
    # A batch holds about this many seconds of the sender's rate, and never more recipients.
    BROADCAST_BATCH_SECONDS = env.float("BROADCAST_BATCH_SECONDS", default=2.0)
    BROADCAST_BATCH_MAX = env.int("BROADCAST_BATCH_MAX", default=100)
    # A batch is handed over in up to this many transactions side by side (PostgreSQL only).
    BROADCAST_LANES = env.int("BROADCAST_LANES", default=4)
    # The dispatcher's lease on a broadcast; a run whose lease ran out is re-kicked by the tick.
    BROADCAST_LEASE_SECONDS = env.int("BROADCAST_LEASE_SECONDS", default=60)
    # A sender Twilio pushed back on (429, 30001) runs at half its rate for this long.
    BROADCAST_BACKOFF_SECONDS = env.int("BROADCAST_BACKOFF_SECONDS", default=60)
    # Quiet hours use this zone for a recipient whose time zone is unknown.
    BROADCAST_DEFAULT_TIME_ZONE = env("BROADCAST_DEFAULT_TIME_ZONE", default="America/New_York")

    # An event stream ends after this long (EventSource reconnects after the `retry:` delay).
    BROADCAST_STREAM_MAX_SECONDS = env.float("BROADCAST_STREAM_MAX_SECONDS", default=300.0)
    BROADCAST_STREAM_POLL_SECONDS = env.float("BROADCAST_STREAM_POLL_SECONDS", default=1.0)
    BROADCAST_STREAM_HEARTBEAT_SECONDS = env.float(
        "BROADCAST_STREAM_HEARTBEAT_SECONDS", default=15.0
    )
    BROADCAST_STREAM_RETRY_MS = env.int("BROADCAST_STREAM_RETRY_MS", default=2000)
    # A broadcast completes once its last recipient is handed over; its progress keeps following
    # the delivery reports that come after for this long at most.
    BROADCAST_REPORTS_WAIT_SECONDS = env.int("BROADCAST_REPORTS_WAIT_SECONDS", default=600)
    return {
        "BROADCAST_PACING": BROADCAST_PACING,
        "BROADCAST_PACING_HEADROOM": BROADCAST_PACING_HEADROOM,
        "BROADCAST_MPS_OVERRIDE": BROADCAST_MPS_OVERRIDE,
        "BROADCAST_BUCKET_BACKEND": BROADCAST_BUCKET_BACKEND,
        "BROADCAST_BUCKET_MODEL": BROADCAST_BUCKET_MODEL,
        "BROADCAST_BATCH_SECONDS": BROADCAST_BATCH_SECONDS,
        "BROADCAST_BATCH_MAX": BROADCAST_BATCH_MAX,
        "BROADCAST_LANES": BROADCAST_LANES,
        "BROADCAST_LEASE_SECONDS": BROADCAST_LEASE_SECONDS,
        "BROADCAST_BACKOFF_SECONDS": BROADCAST_BACKOFF_SECONDS,
        "BROADCAST_DEFAULT_TIME_ZONE": BROADCAST_DEFAULT_TIME_ZONE,
        "BROADCAST_STREAM_MAX_SECONDS": BROADCAST_STREAM_MAX_SECONDS,
        "BROADCAST_STREAM_POLL_SECONDS": BROADCAST_STREAM_POLL_SECONDS,
        "BROADCAST_STREAM_HEARTBEAT_SECONDS": BROADCAST_STREAM_HEARTBEAT_SECONDS,
        "BROADCAST_STREAM_RETRY_MS": BROADCAST_STREAM_RETRY_MS,
        "BROADCAST_REPORTS_WAIT_SECONDS": BROADCAST_REPORTS_WAIT_SECONDS,
    }
