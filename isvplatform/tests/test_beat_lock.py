"""Two beats never schedule one job twice (isvplatform/beat.py): both run with the leader
lock (Redis on CI, the file lock without REDIS_URL) and a 1-second test entry whose every run
writes a row; only one beat sends, and when it is killed the standby takes over from the
run the dead leader claimed last."""

import os
import re
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from isvplatform.models import WorkerHeartbeat
from isvplatform.testing.beat_probe import PREFIX
from isvplatform.testing.worker import start_worker, wait_for

pytestmark = pytest.mark.integration

ROW = re.compile(rf"^{PREFIX}probe#(\d+)\|(\d+)\|")


class Beat:
    def __init__(self, process: subprocess.Popen, log_path: Path) -> None:
        self.process, self.log_path = process, log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            (self.process.kill if kill else self.process.terminate)()
            self.process.wait(timeout=30)


def start_beat(tmp_path: Path, env: dict[str, str], label: str) -> Beat:
    """`celery beat` as the deploy units start it, with a schedule file of its own."""
    log_path = tmp_path / f"beat-{label}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "isvplatform", "beat", "--loglevel", "INFO",
             "--scheduler", "isvplatform.beat:LockedScheduler",
             "--schedule", str(tmp_path / f"schedule-{label}"),
             "--pidfile", str(tmp_path / f"beat-{label}.pid")],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
        )  # fmt: skip
    return Beat(process, log_path)


def probe_runs() -> list[tuple[int, int]]:
    """(run number, pid of the beat that sent it) of every row the probe wrote."""
    names = WorkerHeartbeat.objects.filter(name__startswith=PREFIX).values_list("name", flat=True)
    return [(int(m[1]), int(m[2])) for m in map(ROW.match, names) if m]


def cleanup_shared_state(lock_name: str) -> None:
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        client.delete(f"{lock_name}:leader", f"{lock_name}:runs")
        client.close()
    for path in Path(settings.VAR_DIR).glob(f"{lock_name}*"):
        path.unlink(missing_ok=True)


def test_two_beats_never_schedule_one_run_twice_and_the_standby_takes_over(
    transactional_db, tmp_path
):
    lock_name = f"test-beat-{uuid.uuid4().hex[:8]}"
    extra = {
        "DJANGO_SETTINGS_MODULE": "isvplatform.testing.settings_beat",
        "BEAT_LOCK_NAME": lock_name,
        "BEAT_LOCK_SECONDS": "3",
    }
    worker = start_worker(tmp_path, extra_env=extra)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isvplatform.testing.settings_beat",
        "ISV_VAR_DIR": str(settings.VAR_DIR),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": worker.queue,
        "CELERY_QUEUE_ROUTING": "false",
        **extra,
    }
    beats = {label: start_beat(tmp_path, env, label) for label in ("a", "b")}
    try:
        wait_for(lambda: len(probe_runs()) >= 8, timeout=90)
        leaders = {pid for _, pid in probe_runs()}
        assert len(leaders) == 1, probe_runs()  # one beat sends, the other stands by
        leader_pid = leaders.pop()
        (leader,) = [b for b in beats.values() if b.process.pid == leader_pid]
        (standby,) = [b for b in beats.values() if b is not leader]
        assert "another beat holds the leader lock" in standby.log(), standby.log()[-3000:]

        leader.stop(kill=True)
        sent_by_leader = len(probe_runs())
        wait_for(
            lambda: sum(pid == standby.process.pid for _, pid in probe_runs()) >= 5, timeout=90
        )
    finally:
        for beat in beats.values():
            beat.stop()
        worker.stop()
        cleanup_shared_state(lock_name)

    runs = probe_runs()
    per_run = Counter(run for run, _ in runs)
    print(f"beat lock: {len(runs)} rows, {len(per_run)} runs, leader sent {sent_by_leader}")
    assert [run for run, n in per_run.items() if n > 1] == []  # no run sent twice
    assert {pid for _, pid in runs} == {leader_pid, standby.process.pid}
    # The standby continued the dead leader's numbering: at most the one run it claimed as
    # it was killed is missing, none repeated.
    numbers = sorted(per_run)
    missing = set(range(numbers[0], numbers[-1] + 1)) - set(numbers)
    assert len(missing) <= 1, numbers
    last_of_leader = max(run for run, pid in runs if pid == leader_pid)
    first_of_standby = min(run for run, pid in runs if pid == standby.process.pid)
    assert first_of_standby > last_of_leader, runs
    assert "took the leader lock" in standby.log(), standby.log()[-3000:]
