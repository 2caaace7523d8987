"""Queueing the billing app's Celery tasks by name once the surrounding transaction commits
(services never import `billing.tasks`, which imports them; `apps.py` loads the tasks)."""

import datetime as dt
from typing import Any

from isvplatform.enqueue import publish_after_commit

SYNC_TENANT_USAGE = "billing.sync_tenant_usage"
BUILD_STATEMENT = "billing.build_statement"
REPORT_STATEMENT = "billing.report_statement"
SYNC_LIMIT = "billing.sync_limit"
NOTIFY_LIMIT_EVENT = "billing.notify_limit_event"
NOTIFY_ANOMALY = "billing.notify_anomaly"


def _later(name: str, *args: Any) -> None:
    publish_after_commit(name, *args)


def sync_tenant_usage(tenant_id: int, start: dt.date, end: dt.date) -> None:
    _later(SYNC_TENANT_USAGE, tenant_id, start.isoformat(), end.isoformat())


def build_statement(tenant_id: int, period_start: dt.date) -> None:
    _later(BUILD_STATEMENT, tenant_id, period_start.isoformat())


def report_statement(statement_id: Any) -> None:
    _later(REPORT_STATEMENT, str(statement_id))


def sync_limit(limit_id: int) -> None:
    _later(SYNC_LIMIT, limit_id)


def notify_limit_event(event_id: int) -> None:
    _later(NOTIFY_LIMIT_EVENT, event_id)


def notify_anomaly(anomaly_id: int) -> None:
    _later(NOTIFY_ANOMALY, anomaly_id)
