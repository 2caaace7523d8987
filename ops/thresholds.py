"""Each condition's threshold: staff's value from the admin (`AlertThreshold`), else the
`OPS_…` setting (the one `deploy/prometheus/alerts.yml` shares), and whether it is on."""

from dataclasses import dataclass

from django.conf import settings

from ops.models import AlertKind, AlertThreshold

# The one number of each condition staff may change, and what it means.
SETTINGS: dict[str, str] = {
    AlertKind.DELIVERY_RATE: "OPS_DELIVERY_RATE_MIN_PERCENT",
    AlertKind.CARRIER_FILTERING: "OPS_CARRIER_FILTER_MAX",
    AlertKind.SIGNATURE_FAILURES: "OPS_SIGNATURE_FAILURES_MAX",
    AlertKind.OUTBOX_AGE: "OPS_OUTBOX_MAX_AGE_SECONDS",
    AlertKind.QUEUE_BACKLOG: "OPS_QUEUE_MAX_LENGTH",
    AlertKind.REGISTRATIONS_STUCK: "OPS_REGISTRATION_STUCK_HOURS",
    AlertKind.WORKER_HEARTBEAT: "OPS_HEARTBEAT_MAX_AGE_SECONDS",
    AlertKind.TENANT_WEBHOOKS: "OPS_WEBHOOK_FAILED_ATTEMPTS",
}
UNITS: dict[str, str] = {
    AlertKind.DELIVERY_RATE: "minimum % delivered",
    AlertKind.CARRIER_FILTERING: "messages filtered in the window",
    AlertKind.SIGNATURE_FAILURES: "refused callbacks in the window",
    AlertKind.OUTBOX_AGE: "seconds the oldest unsent message may wait",
    AlertKind.QUEUE_BACKLOG: "tasks waiting in a queue",
    AlertKind.REGISTRATIONS_STUCK: "hours under review",
    AlertKind.WORKER_HEARTBEAT: "seconds without a heartbeat",
    AlertKind.TENANT_WEBHOOKS: "failed attempts in a row",
}


@dataclass(frozen=True)
class Limit:
    threshold: float
    enabled: bool = True


def default(kind: str) -> float:
    return float(getattr(settings, SETTINGS[kind]))


def limits() -> dict[str, Limit]:
    """Every condition's limit, in one query (an evaluation reads them once)."""
    rows = {row.kind: row for row in AlertThreshold.objects.all()}
    found = {}
    for kind in SETTINGS:
        row = rows.get(kind)
        value = row.threshold if row is not None and row.threshold is not None else None
        found[kind] = Limit(default(kind) if value is None else value, row.enabled if row else True)
    return found


def threshold(kind: str) -> float:
    return limits()[kind].threshold


def ensure_rows() -> None:
    """One row per condition, for the admin to list (its threshold blank: the default)."""
    AlertThreshold.objects.bulk_create(
        [AlertThreshold(kind=kind) for kind in SETTINGS], ignore_conflicts=True
    )
