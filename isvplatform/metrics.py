"""The platform's Prometheus metrics, all defined here, and the scrape-time collector.

Counters and histograms are incremented where the thing happens (a send handed to Twilio,
a status applied, an inbound stored, a Twilio call, a refused callback signature): a dict
look-up and an add, no database work. Labels are channel, status, error code, operation,
outcome or reason, never a tenant id, SID or number, so the series stay few and the
exposition says nothing about any one tenant.

Under gunicorn and Celery each process writes its samples to files under
`PROMETHEUS_MULTIPROC_DIR` (prometheus-client's multiprocess mode; `run_platform` sets it
and wipes the folder at start) and `/metrics` merges them; without it (tests, a single
process) the default registry holds them. What is read from the database (outbox age,
registrations per state, broadcasts sending, queue depth) is collected at scrape time by
`PlatformCollector`, so no process has to keep it up to date.
"""

import logging
import os
import re
from collections.abc import Iterator
from datetime import timedelta

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# How far back the outbox age looks: the outbox sweeper's own horizon (messaging dispatch).
OUTBOX_HORIZON = timedelta(days=2)

MESSAGES_SENT = Counter(
    "isv_messages_sent", "Messages handed to Twilio (or the channel's ESP).", ["channel"]
)
MESSAGES_DELIVERED = Counter(
    "isv_messages_delivered", "Messages whose status moved to delivered.", ["channel"]
)
MESSAGES_FAILED = Counter(
    "isv_messages_failed",
    "Messages that failed or were undelivered (before or after reaching Twilio).",
    ["channel", "status", "error_code"],
)
MESSAGES_RECEIVED = Counter("isv_messages_received", "Inbound messages stored.", ["channel"])
TWILIO_REQUESTS = Counter(
    "isv_twilio_requests",
    "HTTP requests to Twilio's API, each attempt counted.",
    ["operation", "outcome"],
)
TWILIO_DURATION = Histogram(
    "isv_twilio_request_duration_seconds",
    "How long one request to Twilio's API took.",
    ["operation"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
SIGNATURE_FAILURES = Counter(
    "isv_callback_signature_failures",
    "Twilio callbacks refused for their X-Twilio-Signature.",
    ["endpoint", "reason"],
)
CALLBACK_DURATION = Histogram(
    "isv_callback_duration_seconds",
    "How long taking in one provider callback took (Twilio, the ESP), answer included.",
    ["endpoint", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TEMPLATE_DECISIONS = Counter(
    "isv_template_decisions",
    "Message templates decided by the channel's reviewer (approved, rejected, paused...).",
    ["channel", "outcome"],
)
TENANT_WEBHOOK_ATTEMPTS = Counter(
    "isv_tenant_webhook_attempts",
    "HTTP attempts to tenants' webhook endpoints.",
    ["event_type", "outcome"],
)
TENANT_WEBHOOK_FAILED = Counter(
    "isv_tenant_webhook_deliveries_failed",
    "Tenant-webhook deliveries given up (retry window over, or the endpoint disabled).",
    ["event_type"],
)
BROADCAST_RECIPIENTS = Counter(
    "isv_broadcast_recipients",
    "Broadcast recipients handed to the send path (queued) or refused there (skipped).",
    ["channel", "outcome"],
)
API_CONCURRENCY = Counter(
    "isv_api_tenant_concurrency",
    "API-key requests by the per-tenant in-flight limit's verdict (admitted, refused 429).",
    ["outcome"],
)
FAILOPEN = Counter(
    "isv_failopen",
    "Operations that went on without Redis (cache, quota counters, broker): fail open.",
    ["component"],
)

# A path segment kept as it is in an operation label: a word (`Messages.json`) or an API
# version (`v1`, `2010-04-01`); anything else (a SID, a number) becomes `{id}`.
_WORD = re.compile(r"^[A-Za-z][A-Za-z_]{0,39}(\.json)?$")
_VERSION = re.compile(r"^(v\d+|\d{4}-\d{2}-\d{2})$")


def twilio_operation(method: str, where: str) -> str:
    """`POST api/2010-04-01/Accounts/{id}/Messages.json` from `api.twilio.com/2010-...`: the
    product (first host label) and the path with every identifier replaced."""
    host, _, path = where.partition("/")
    product = host.split(".", 1)[0] if not host[:1].isdigit() else "api"
    segments = [s if _WORD.match(s) or _VERSION.match(s) else "{id}" for s in path.split("/") if s]
    return f"{method} {product}/{'/'.join(segments)}"


def twilio_outcome(status: int | str) -> str:
    """ok, throttled, client_error, server_error, or network_error (no HTTP answer)."""
    if not isinstance(status, int):
        return "network_error"
    if status == 429:
        return "throttled"
    if status >= 500:
        return "server_error"
    return "client_error" if status >= 400 else "ok"


def observe_twilio_call(method: str, where: str, status: int | str, seconds: float) -> None:
    operation = twilio_operation(method, where)
    TWILIO_REQUESTS.labels(operation, twilio_outcome(status)).inc()
    TWILIO_DURATION.labels(operation).observe(seconds)


def count_sent(channel: str) -> None:
    MESSAGES_SENT.labels(channel).inc()


def count_received(channel: str) -> None:
    MESSAGES_RECEIVED.labels(channel).inc()


def count_failed(channel: str, status: str, error_code: int | None) -> None:
    MESSAGES_FAILED.labels(channel, status, str(error_code) if error_code else "none").inc()


def count_status(channel: str, status: str, error_code: int | None) -> None:
    """A message's status moved forward (a callback or the reconciler): count the outcomes."""
    if status == "delivered":
        MESSAGES_DELIVERED.labels(channel).inc()
    elif status in ("failed", "undelivered"):
        count_failed(channel, status, error_code)


def count_signature_failure(endpoint: str, reason: str) -> None:
    SIGNATURE_FAILURES.labels(endpoint, reason).inc()


def count_api_concurrency(outcome: str) -> None:
    API_CONCURRENCY.labels(outcome).inc()


def count_failopen(component: str) -> None:
    FAILOPEN.labels(component).inc()


def http_outcome(status: int) -> str:
    """`2xx`, `3xx`, `4xx` or `5xx`: the class of an answer we gave or got."""
    return f"{max(1, min(status // 100, 5))}xx"


def observe_callback(endpoint: str, outcome: str, seconds: float) -> None:
    CALLBACK_DURATION.labels(endpoint, outcome).observe(seconds)


def count_template_decision(channel: str, outcome: str) -> None:
    TEMPLATE_DECISIONS.labels(channel, outcome).inc()


def count_tenant_webhook_attempt(event_type: str, status_code: int | None) -> None:
    """One attempt: `ok` (2xx), `client_error` (a redirect or 4xx: not followed, a failure),
    `server_error` (5xx) or `network_error` (no answer)."""
    if status_code is None:
        outcome = "network_error"
    elif 200 <= status_code < 300:
        outcome = "ok"
    else:
        outcome = "server_error" if status_code >= 500 else "client_error"
    TENANT_WEBHOOK_ATTEMPTS.labels(event_type, outcome).inc()


def count_tenant_webhook_failed(event_type: str) -> None:
    TENANT_WEBHOOK_FAILED.labels(event_type).inc()


def count_broadcast_recipients(channel: str, queued: int, skipped: int) -> None:
    if queued:
        BROADCAST_RECIPIENTS.labels(channel, "queued").inc(queued)
    if skipped:
        BROADCAST_RECIPIENTS.labels(channel, "skipped").inc(skipped)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def process_exited(pid: int) -> None:
    """Drop a dead worker process's live gauges (gunicorn's child_exit, Celery's shutdown)."""
    if multiprocess_dir():
        mark_process_dead(pid)


class _DefaultRegistry:
    """The default registry's metrics, for a registry that also holds the collector."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def outbox_oldest_age() -> float:
    """Seconds since the oldest outbound message still queued (not yet handed to Twilio) was
    created, within the outbox sweeper's horizon; 0 when there is none."""
    from django.utils import timezone

    from messaging.models import Direction, Message, Status

    now = timezone.now()
    oldest = (
        Message.objects.filter(
            sid__isnull=True,
            created_at__gte=now - OUTBOX_HORIZON,
            status=Status.QUEUED,
            direction=Direction.OUTBOUND,
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return (now - oldest).total_seconds() if oldest else 0.0


def _outbox_gauges() -> Iterator[Metric]:
    yield GaugeMetricFamily(
        "isv_outbox_oldest_age_seconds",
        "Age of the oldest outbound message still queued, not yet handed to Twilio.",
        value=outbox_oldest_age(),
    )


def _state_gauges() -> Iterator[Metric]:
    from django.db.models import Count

    from broadcasts.models import Broadcast, BroadcastStatus
    from compliance.models import Registration, TollFreeVerification

    registrations = GaugeMetricFamily(
        "isv_registrations", "Sender registrations in each state.", labels=["kind", "state"]
    )
    for kind, model in (("10dlc", Registration), ("toll_free", TollFreeVerification)):
        for row in model.objects.order_by().values("status").annotate(n=Count("pk")):
            registrations.add_metric([kind, row["status"]], row["n"])
    yield registrations
    sending = Broadcast.objects.filter(status=BroadcastStatus.SENDING).count()
    yield GaugeMetricFamily("isv_broadcasts_sending", "Broadcasts now sending.", value=sending)


def queue_lengths() -> dict[str, int] | None:
    """Celery queue depth on a Redis broker (LLEN over kombu's priority lists); None on the
    embedded filesystem broker of `make run`, which has no cheap count."""
    from django.conf import settings

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    from isvplatform.routing import all_queues

    names = sorted(str(q) for q in set(all_queues()))
    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for key in _priority_keys(name):
                    pipe.llen(key)
            lengths = pipe.execute()
    finally:
        client.close()
    per_queue = len(_priority_keys(""))
    return {name: sum(lengths[i * per_queue : (i + 1) * per_queue]) for i, name in enumerate(names)}


def _queue_gauges() -> Iterator[Metric]:
    lengths = queue_lengths()
    if lengths is None:
        return
    depth = GaugeMetricFamily(
        "isv_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"]
    )
    for name, length in lengths.items():
        depth.add_metric([name], length)
    yield depth


def _heartbeat_gauges() -> Iterator[Metric]:
    from django.utils import timezone

    from isvplatform.models import WorkerHeartbeat

    now = timezone.now()
    age = GaugeMetricFamily(
        "isv_worker_heartbeat_age_seconds",
        "Seconds since each background process (by heartbeat name) last proved it was alive.",
        labels=["name"],
    )
    for name, seen in WorkerHeartbeat.objects.values_list("name", "last_seen_at"):
        age.add_metric([name], max(0.0, (now - seen).total_seconds()))
    yield age


def _ops_gauges() -> Iterator[Metric]:
    """The states the staff alerts read, computed by the same selectors (ops.readings)."""
    from ops import readings

    stuck = GaugeMetricFamily(
        "isv_registrations_stuck",
        "Registrations under review for longer than OPS_REGISTRATION_STUCK_HOURS.",
        labels=["kind"],
    )
    for kind, n in readings.registrations_stuck().items():
        stuck.add_metric([kind], n)
    yield stuck
    yield GaugeMetricFamily(
        "isv_tenant_webhook_endpoints_failing",
        "Tenant webhook endpoints whose latest OPS_WEBHOOK_FAILED_ATTEMPTS attempts all failed.",
        value=len(readings.failing_endpoints()),
    )


def _priority_keys(queue: str) -> list[str]:
    # kombu's Redis transport keeps one list per priority step (0, 3, 6, 9 by default).
    return [queue] + [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]


class PlatformCollector:
    """What `/metrics` reads from the database and the broker at scrape time. A part that
    fails (the database or Redis away) is left out and logged; the rest is still served."""

    def collect(self) -> Iterator[Metric]:
        for part in (
            _outbox_gauges,
            _state_gauges,
            _queue_gauges,
            _heartbeat_gauges,
            _ops_gauges,
        ):
            try:
                yield from list(part())
            except Exception:
                logger.warning("metrics: %s failed at scrape time", part.__name__, exc_info=True)


def exposition() -> bytes:
    """The text a scrape gets: every process's samples (or this one's) and the collector's."""
    registry = CollectorRegistry()
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_DefaultRegistry())
    registry.register(PlatformCollector())
    return generate_latest(registry)
