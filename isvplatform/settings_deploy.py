"""Scale-out (deploy/README.md): the named Celery queues and the beat's leader lock."""

from typing import Any

import environ


def deploy_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {
        # Send each kind of task to its named queue (isvplatform/routing.py); off, all go
        # to the default queue (CELERY_QUEUE), as the test suite's one-queue worker expects.
        "CELERY_QUEUE_ROUTING": env.bool("CELERY_QUEUE_ROUTING", default=True),
        # Prefixed to the named queues: several platforms (or a test) on one Redis.
        "CELERY_QUEUE_PREFIX": env("CELERY_QUEUE_PREFIX", default=""),
        "CELERY_TASK_ROUTES": ("isvplatform.routing.route_task",),
        # Only the beat holding the lock sends due tasks (isvplatform/beat.py): a second beat
        # is a hot standby. The lock lives in Redis (REDIS_URL) or, embedded, in a file lock.
        "CELERY_BEAT_SCHEDULER": "isvplatform.beat:LockedScheduler",
        # A dead leader's Redis lock expires after this long; the standby then takes over.
        "BEAT_LOCK_SECONDS": env.float("BEAT_LOCK_SECONDS", default=30.0),
        # The lock's (and the shared schedule state's) Redis key, or file name under VAR_DIR.
        "BEAT_LOCK_NAME": env("BEAT_LOCK_NAME", default="isvplatform-beat"),
    }
    return values
