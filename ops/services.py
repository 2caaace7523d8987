"""Opening, refreshing and resolving staff alerts from the conditions (ops.conditions).

`evaluate_all()` is idempotent: a condition that holds opens its kind's alert (at most one
open per kind) or refreshes the open one; a condition that no longer holds resolves it; a
condition that could not be evaluated (its database or broker away) leaves its alert as it
was. Staff are emailed on opening and on resolution (ops.notify), after the commit.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from isvplatform import refusals
from ops import notify, thresholds
from ops.conditions import CONDITIONS, Finding
from ops.models import Alert

logger = logging.getLogger(__name__)

LAST_EVALUATED_KEY = "ops:alerts:last-evaluated"


@dataclass
class Evaluation:
    at: datetime
    opened: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _raise(finding: Finding, now: datetime) -> tuple[Alert, bool]:
    """The open alert of the finding's kind, refreshed, or a new one; True when new."""
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(kind=finding.kind, state="open").first()
        if alert is None:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        kind=finding.kind,
                        severity=finding.severity,
                        summary=finding.summary[:300],
                        details=finding.details,
                        first_seen=now,
                        last_seen=now,
                    )
                return alert, True
            except IntegrityError:  # another evaluation opened it just now
                alert = Alert.objects.select_for_update().get(kind=finding.kind, state="open")
        alert.severity, alert.summary, alert.details = (
            finding.severity,
            finding.summary[:300],
            finding.details,
        )
        alert.last_seen, alert.count = now, alert.count + 1
        alert.save(update_fields=["severity", "summary", "details", "last_seen", "count"])
        return alert, False


def _resolve(kind: str, now: datetime) -> Alert | None:
    with transaction.atomic():
        alert = Alert.objects.select_for_update().filter(kind=kind, state="open").first()
        if alert is None:
            return None
        alert.state, alert.resolved_at = Alert.State.RESOLVED, now
        alert.save(update_fields=["state", "resolved_at"])
        return alert


def _findings(result: Evaluation) -> dict[str, Finding | None]:
    """Each enabled condition's finding under its current threshold; a disabled one counts
    as not holding (its open alert resolves)."""
    findings: dict[str, Finding | None] = {}
    limits = thresholds.limits()
    for kind, check in CONDITIONS.items():
        limit = limits[kind]
        if not limit.enabled:
            findings[kind] = None
            continue
        try:
            findings[kind] = check(limit.threshold)
        except Exception:
            logger.exception("ops: the %s condition could not be evaluated", kind)
            result.failed.append(kind)
    return findings


def evaluate_all() -> Evaluation:
    """Evaluate every condition once and bring the alerts in line (see the module)."""
    result = Evaluation(at=timezone.now())
    for kind, finding in _findings(result).items():
        if finding is not None:
            alert, new = _raise(finding, result.at)
            (result.opened if new else result.refreshed).append(kind)
            if alert.opened_email_at is None:
                notify.notify_opened(alert)
        elif (alert := _resolve(kind, result.at)) is not None:
            result.resolved.append(kind)
            notify.notify_resolved(alert)
    refusals.purge_refusals()
    cache.set(LAST_EVALUATED_KEY, result.at.timestamp(), None)
    return result


def last_evaluated() -> datetime | None:
    stamp = cache.get(LAST_EVALUATED_KEY)
    return datetime.fromtimestamp(stamp, tz=UTC) if stamp else None


def alert_acknowledge(*, alert: Alert, user: AbstractBaseUser) -> bool:
    """A staff member says they are on it; False when it was acknowledged already."""
    return bool(
        Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now(), acknowledged_by=user
        )
    )
