"""`/healthz`: is the database reachable, is the broker reachable."""

import logging

from django.db import connection
from django.http import JsonResponse

from isvplatform.celery import app as celery_app

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
            # A round trip through the transport proves the broker answers.
            conn.default_channel.queue_declare(
                queue=celery_app.conf.task_default_queue, passive=False, durable=True
            )
        return True
    except Exception:
        logger.warning("health: broker unreachable", exc_info=True)
        return False


def healthz(request):
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            **{k: "ok" if v else "down" for k, v in checks.items()},
        },
        status=200 if healthy else 503,
    )
