"""`/healthz`: is the database reachable, is the broker reachable, when did a worker last run."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from isvplatform.celery import app as celery_app
from isvplatform.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        logger.warning("health: database unreachable", exc_info=True)
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            _ = conn.default_channel  # opening a channel is a round trip to the broker
        return True
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return False


def _worker_seen_seconds_ago() -> int | None:
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except Exception:
        return None
    return None if beat is None else int((timezone.now() - beat.last_seen_at).total_seconds())


def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    body["worker_seen_seconds_ago"] = _worker_seen_seconds_ago() if checks["database"] else None
    return JsonResponse(body, status=200 if healthy else 503)
