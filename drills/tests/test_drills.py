"""The drills as tests: each runs as its own process (`python -m drills.<name>`), on the
PostgreSQL of DATABASE_URL (CI's) or on a private cluster it starts, with a private Redis it
may kill; a drill that loses or duplicates exits non-zero and fails here. Nothing skips: a
missing redis-server or PostgreSQL binary fails the drill."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def run_drill(module: str, *args: str, timeout: float = 1500) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    done = subprocess.run(
        [sys.executable, "-m", f"drills.{module}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    print(done.stdout)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    assert "result: PASS" in done.stdout
    return done.stdout


def test_a_worker_sigkilled_mid_dispatch_loses_and_duplicates_nothing():
    messages = os.environ.get("DRILL_SIGKILL_MESSAGES", "5000")
    out = run_drill("worker_sigkill", "--messages", messages)
    assert "lost: 0\n" in out and "duplicated: 0\n" in out


def test_redis_restarted_mid_dispatch_loses_nothing_once_the_sweeper_runs():
    out = run_drill("redis_restart")
    assert "lost: 0\n" in out and "duplicated: 0\n" in out


def test_without_the_sweeper_the_same_restart_loses_messages():
    out = run_drill("redis_restart", "--no-sweeper")
    assert "lost: 0\n" not in out
