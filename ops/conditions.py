"""The conditions `deploy/prometheus/alerts.yml` alerts on, evaluated from the database with
the same thresholds (settings_ops): each returns a `Finding` while it holds, else None.

Prometheus counts transitions in its processes; here the same events are read from the rows
they left (a message's outcome timestamps and error code, the refusal tally, heartbeats,
webhook attempts), so the in-app alert needs no Prometheus server and survives restarts.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from isvplatform import metrics, refusals
from isvplatform.models import WorkerHeartbeat
from messaging.models import Direction, Message, Status
from ops import readings, thresholds
from ops.models import AlertKind, Severity

# A message's outcome is looked for among messages created this long before the window, so
# the query stays on the creation-time index (callbacks come within minutes, not hours).
OUTCOME_LOOKBACK = timedelta(hours=6)
HEARTBEAT = "worker"


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: str
    summary: str
    details: dict = field(default_factory=dict)


def _outbound_since(minutes: int):
    since = timezone.now() - timedelta(minutes=minutes)
    recent = Message.objects.filter(
        direction=Direction.OUTBOUND, created_at__gte=since - OUTCOME_LOOKBACK
    )
    return recent, since


def _limit(kind: str, given: float | None) -> float:
    return thresholds.threshold(kind) if given is None else given


def delivery_rate(limit: float | None = None) -> Finding | None:
    minimum = _limit(AlertKind.DELIVERY_RATE, limit)
    minutes = settings.OPS_DELIVERY_WINDOW_MINUTES
    recent, since = _outbound_since(minutes)
    delivered = recent.filter(delivered_at__gte=since).count()
    failed = recent.filter(
        status__in=(Status.FAILED, Status.UNDELIVERED), failed_at__gte=since
    ).count()
    total = delivered + failed
    if total < settings.OPS_DELIVERY_MIN_MESSAGES:
        return None
    rate = 100.0 * delivered / total
    if rate >= minimum:
        return None
    return Finding(
        AlertKind.DELIVERY_RATE,
        Severity.CRITICAL,
        f"Only {rate:.0f}% of {total} messages delivered in the last {minutes} minutes "
        f"(below {minimum:g}%).",
        {"delivered": delivered, "failed": failed, "rate_percent": round(rate, 1)},
    )


def carrier_filtering(limit: float | None = None) -> Finding | None:
    most = _limit(AlertKind.CARRIER_FILTERING, limit)
    minutes = settings.OPS_CARRIER_FILTER_WINDOW_MINUTES
    codes = list(settings.OPS_CARRIER_FILTER_CODES)
    recent, since = _outbound_since(minutes)
    rows = (
        recent.filter(failed_at__gte=since, error_code__in=codes)
        .order_by()
        .values_list("error_code", flat=True)
    )
    by_code: dict[str, int] = {}
    for code in rows:
        by_code[str(code)] = by_code.get(str(code), 0) + 1
    total = sum(by_code.values())
    if total < most:
        return None
    listed = ", ".join(f"{code}: {n}" for code, n in sorted(by_code.items()))
    return Finding(
        AlertKind.CARRIER_FILTERING,
        Severity.CRITICAL,
        f"{total} messages blocked by carriers in the last {minutes} minutes ({listed}).",
        {"by_error_code": by_code},
    )


def signature_failures(limit: float | None = None) -> Finding | None:
    most = _limit(AlertKind.SIGNATURE_FAILURES, limit)
    minutes = settings.OPS_SIGNATURE_WINDOW_MINUTES
    per_endpoint = refusals.refusals_since(timezone.now() - timedelta(minutes=minutes))
    total = sum(per_endpoint.values())
    if total < most:
        return None
    return Finding(
        AlertKind.SIGNATURE_FAILURES,
        Severity.WARNING,
        f"{total} callbacks refused for a bad signature in the last {minutes} minutes.",
        {"by_endpoint": per_endpoint},
    )


def outbox_age(limit: float | None = None) -> Finding | None:
    most = _limit(AlertKind.OUTBOX_AGE, limit)
    age = metrics.outbox_oldest_age()
    if age <= most:
        return None
    return Finding(
        AlertKind.OUTBOX_AGE,
        Severity.CRITICAL,
        f"The oldest unsent message has waited {age / 60:.0f} minutes "
        f"(more than {most // 60:.0f} minutes).",
        {"oldest_age_seconds": round(age)},
    )


def queue_backlog(limit: float | None = None) -> Finding | None:
    most = _limit(AlertKind.QUEUE_BACKLOG, limit)
    lengths = metrics.queue_lengths() or {}
    over = {name: n for name, n in lengths.items() if n > most}
    if not over:
        return None
    listed = ", ".join(f"{name}: {n}" for name, n in sorted(over.items()))
    return Finding(
        AlertKind.QUEUE_BACKLOG,
        Severity.WARNING,
        f"Tasks are piling up ({listed}; more than {most:g} waiting).",
        {"queue_lengths": over},
    )


def registrations_stuck(limit: float | None = None) -> Finding | None:
    hours = _limit(AlertKind.REGISTRATIONS_STUCK, limit)
    stuck = readings.stuck_registrations(hours=hours)
    if not stuck:
        return None
    return Finding(
        AlertKind.REGISTRATIONS_STUCK,
        Severity.WARNING,
        f"{len(stuck)} registrations have been under review for more than {hours:g} hours.",
        {"registrations": stuck},
    )


def worker_heartbeat(limit: float | None = None) -> Finding | None:
    """The `worker` heartbeat beat schedules every 30 s (other names are one-off checks)."""
    limit = _limit(AlertKind.WORKER_HEARTBEAT, limit)
    seen = (
        WorkerHeartbeat.objects.filter(name=HEARTBEAT)
        .values_list("last_seen_at", flat=True)
        .first()
    )
    if seen is None:
        return Finding(
            AlertKind.WORKER_HEARTBEAT,
            Severity.CRITICAL,
            "No worker has ever reported a heartbeat: are the Celery worker and beat running?",
            {"age_seconds": None},
        )
    age = round((timezone.now() - seen).total_seconds())
    if age <= limit:
        return None
    return Finding(
        AlertKind.WORKER_HEARTBEAT,
        Severity.CRITICAL,
        f"Worker heartbeat lost: last seen {age // 60} minutes ago (more than {limit:g} s).",
        {"age_seconds": age, "last_seen": seen.isoformat()},
    )


def tenant_webhooks(limit: float | None = None) -> Finding | None:
    needed = int(_limit(AlertKind.TENANT_WEBHOOKS, limit))
    failing = readings.failing_endpoints(needed=needed)
    if not failing:
        return None
    hosts = ", ".join(sorted({row["host"] for row in failing})[:5])
    return Finding(
        AlertKind.TENANT_WEBHOOKS,
        Severity.WARNING,
        f"{len(failing)} tenant webhook endpoints failing ({hosts}): their last "
        f"{needed} attempts all failed.",
        {"endpoints": failing},
    )


CONDITIONS: dict[str, Callable[[float | None], Finding | None]] = {
    AlertKind.DELIVERY_RATE: delivery_rate,
    AlertKind.CARRIER_FILTERING: carrier_filtering,
    AlertKind.SIGNATURE_FAILURES: signature_failures,
    AlertKind.OUTBOX_AGE: outbox_age,
    AlertKind.QUEUE_BACKLOG: queue_backlog,
    AlertKind.REGISTRATIONS_STUCK: registrations_stuck,
    AlertKind.WORKER_HEARTBEAT: worker_heartbeat,
    AlertKind.TENANT_WEBHOOKS: tenant_webhooks,
}
