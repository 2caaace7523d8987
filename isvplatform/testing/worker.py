"""A real Celery worker for integration tests.

The worker is a separate process on `isvplatform.settings` (not the eager test settings),
consuming a queue of its own over Redis when REDIS_URL is set (as in CI), over the
embedded filesystem broker otherwise, against the test database.
"""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from isvplatform.celery import app as celery_app


def database_url_for_subprocess() -> str:
    """The test database as a `DATABASE_URL` another process (a worker, a server) can open."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


class CeleryWorker:
    def __init__(self, queue: str, process: subprocess.Popen, log_path: Path) -> None:
        self.queue = queue
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(
    tmp_path: Path,
    extra_env: dict[str, str] | None = None,
    queue: str | None = None,
    more_queues: list[str] | None = None,
    pool_args: list[str] | None = None,
) -> CeleryWorker:
    """A worker consuming `queue` (and `more_queues`); one process (`--pool solo`) unless
    `pool_args` say else (the drills' prefork worker, whose pool children they kill). Queue
    routing is off unless `extra_env` turns it on (then `more_queues` names the routed
    queues it consumes too)."""
    queue = queue or f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isvplatform.settings",
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "ISV_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_QUEUE_ROUTING": "false",
        **(extra_env or {}),
    }
    if settings.CELERY_BROKER_URL.startswith("redis"):
        env["REDIS_URL"] = settings.CELERY_BROKER_URL
    log_path = tmp_path / f"worker-{queue}-{uuid.uuid4().hex[:6]}.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "isvplatform", "worker",
         *(pool_args or ["--pool", "solo"]),
         "--queues", ",".join([queue, *(more_queues or [])]), "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
    )  # fmt: skip
    worker = CeleryWorker(queue, process, log_path)
    deadline = time.monotonic() + 60
    while "ready." not in worker.log():
        if process.poll() is not None or time.monotonic() > deadline:
            worker.stop(kill=True)
            raise RuntimeError(f"Celery worker did not start:\n{worker.log()[-4000:]}")
        time.sleep(0.2)
    return worker


def wait_for(condition: Callable[[], object], timeout: float = 30.0, interval: float = 0.2):
    """Poll `condition` until it returns something truthy; fail with a clear message."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout:.0f}s: {condition}")


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """A real worker process; tasks sent during the test go to it (not run eagerly).

    Celery reads Django's settings under the CELERY_ namespace and a namespaced key wins
    every lookup, so the fixtures change `CELERY_TASK_ALWAYS_EAGER` and
    `CELERY_TASK_DEFAULT_QUEUE` (setting `task_always_eager` would change nothing).
    """
    worker = start_worker(tmp_path)
    conf = celery_app.conf
    saved = conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE
    conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = False, worker.queue
    try:
        yield worker
    finally:
        conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = saved
        worker.stop()


@pytest.fixture
def celery_worker_factory(transactional_db, tmp_path):
    """Start real workers with extra environment (e.g. PUBLIC_BASE_URL of a live server):
    `start(extra_env)` returns a worker whose queue receives the test's tasks; `start()` again
    with `queue=` of a stopped worker takes over its queue. All are stopped at the end."""
    conf = celery_app.conf
    saved = conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE
    started: list[CeleryWorker] = []

    def start(extra_env: dict[str, str] | None = None, queue: str | None = None) -> CeleryWorker:
        worker = start_worker(tmp_path, extra_env=extra_env, queue=queue)
        started.append(worker)
        conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = False, worker.queue
        return worker

    try:
        yield start
    finally:
        conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = saved
        for worker in started:
            worker.stop()
