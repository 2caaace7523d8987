"""One beat sends due tasks, however many run: `celery beat --scheduler
isvplatform.beat:LockedScheduler` (the `CELERY_BEAT_SCHEDULER` setting).

Every beat tries for a leader lock; the holder sends due tasks, the others idle as hot
standbys and try again every few seconds. The lock is a Redis key (`SET NX PX`, renewed
while held) when REDIS_URL is set, or an `fcntl` lock on a file under VAR_DIR on the
embedded setup (one host; the kernel releases it when the holder dies).

A new leader must not repeat what the old one just sent, so the leader writes each entry's
last run (time and run number) to shared state before it publishes the task: a takeover
starts from there, not from its own stale schedule file. On Redis that write is fenced by
the lock (one script checks the token and writes), so a leader that lost its lock while
paused cannot claim a run. A leader killed between its claim and its publish loses that one
run; no run is ever sent twice. Each sent task carries its run as the `isv_beat_run` header
(`<entry>#<run number>`).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
import uuid
from datetime import datetime
from pathlib import Path

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

RUN_HEADER = "isv_beat_run"
LEADER_HEADER = "isv_beat_leader"  # the sending beat's pid


class RedisLease:
    """The leader lock and the shared last runs as two Redis keys."""

    RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
    RENEW += "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
    CLAIM = "if redis.call('get', KEYS[1]) == ARGV[1] then "
    CLAIM += "return redis.call('hset', KEYS[2], ARGV[2], ARGV[3]) + 1 else return 0 end"
    RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
    RELEASE += "return redis.call('del', KEYS[1]) else return 0 end"

    def __init__(self, url: str, name: str, ttl: float) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self.lock_key, self.state_key = f"{name}:leader", f"{name}:runs"
        self.ttl_ms = max(int(ttl * 1000), 1000)
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._renew = self.client.register_script(self.RENEW)
        self._claim = self.client.register_script(self.CLAIM)
        self._release = self.client.register_script(self.RELEASE)

    def hold(self) -> bool:
        """Renew the lock if it is ours, else try to take it."""
        keys = [self.lock_key]
        if self._renew(keys=keys, args=[self.token, self.ttl_ms]):
            return True
        return bool(self.client.set(self.lock_key, self.token, nx=True, px=self.ttl_ms))

    def claim(self, name: str, state: str) -> bool:
        keys = [self.lock_key, self.state_key]
        return bool(self._claim(keys=keys, args=[self.token, name, state]))

    def runs(self) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.client.hgetall(self.state_key).items()}

    def release(self) -> None:
        self._release(keys=[self.lock_key], args=[self.token])


class FileLease:
    """The leader lock as an exclusive `flock` on a file; the last runs in a JSON file
    beside it, written only by the holder."""

    def __init__(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.lock_path = folder / f"{name}.lock"
        self.state_path = folder / f"{name}-runs.json"
        self._fd: int | None = None

    def hold(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def claim(self, name: str, state: str) -> bool:
        if self._fd is None:
            return False
        runs = self.runs()
        runs[name] = state
        partial = self.state_path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(runs))
        os.replace(partial, self.state_path)
        return True

    def runs(self) -> dict[str, str]:
        try:
            return json.loads(self.state_path.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def make_lease() -> RedisLease | FileLease:
    name, url = settings.BEAT_LOCK_NAME, settings.REDIS_URL
    if url:
        return RedisLease(url, name, settings.BEAT_LOCK_SECONDS)
    return FileLease(Path(settings.VAR_DIR), name)


class LockedScheduler(PersistentScheduler):
    """celery's file-backed scheduler, sending only while it holds the leader lock."""

    def __init__(self, *args, **kwargs) -> None:
        self.lease = None
        self.leading = False
        self._claimed: tuple[str, int] | None = None
        self._checked_at = 0.0
        self._announced = False
        super().__init__(*args, **kwargs)

    @property
    def check_every(self) -> float:
        """How often the lock is renewed (by the leader) or tried (by a standby)."""
        return max(min(settings.BEAT_LOCK_SECONDS / 3, 5.0), 0.2)

    def tick(self, *args, **kwargs) -> float:
        if not self._hold():
            return self.check_every
        return min(super().tick(*args, **kwargs), self._next_check())

    def _next_check(self) -> float:
        return max(self._checked_at + self.check_every - time.monotonic(), 0.0)

    def _hold(self) -> bool:
        if self.leading and self._next_check() > 0:
            return True
        self._checked_at = time.monotonic()
        try:
            self.lease = self.lease or make_lease()
            held = self.lease.hold()
        except Exception:
            logger.warning("beat: the leader lock can't be reached; standing by", exc_info=True)
            held = False
        if held and not self.leading:
            logger.info("beat: took the leader lock; sending due tasks")
            self._adopt_shared_runs()
        elif self.leading and not held:
            logger.warning("beat: lost the leader lock; standing by")
        elif not held and not self._announced:
            logger.info("beat: another beat holds the leader lock; standing by")
            self._announced = True
        self.leading = held
        return held

    def _adopt_shared_runs(self) -> None:
        """Continue each entry from the last run any leader claimed."""
        for name, raw in self.lease.runs().items():
            entry = self.schedule.get(name)
            if entry is None:
                continue
            state = json.loads(raw)
            entry.last_run_at = datetime.fromisoformat(state["last_run_at"])
            entry.total_run_count = state["run"]
        self._heap = None  # due times are recomputed from the adopted runs

    def reserve(self, entry):
        """Claim the entry's next run in the shared state before it is published."""
        new_entry = super().reserve(entry)
        state = json.dumps(
            {"last_run_at": new_entry.last_run_at.isoformat(), "run": new_entry.total_run_count}
        )
        try:
            claimed = bool(self.lease and self.lease.claim(entry.name, state))
        except Exception:
            logger.warning("beat: could not claim %s; not sending it", entry.name, exc_info=True)
            claimed = False
        self._claimed = (entry.name, new_entry.total_run_count) if claimed else None
        return new_entry

    def apply_entry(self, entry, producer=None):
        claimed, self._claimed = self._claimed, None
        if claimed is None or claimed[0] != entry.name:
            logger.warning("beat: %s not sent: this beat no longer leads", entry.name)
            self.leading = False
            return
        # `entry` is the run just reserved (the schedule holds its successor): its options
        # may be replaced without touching the next run's.
        headers = {
            **entry.options.get("headers", {}),
            RUN_HEADER: f"{claimed[0]}#{claimed[1]}",
            LEADER_HEADER: str(os.getpid()),
        }
        entry.options = {**entry.options, "headers": headers}
        super().apply_entry(entry, producer=producer)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lease is not None:
                try:
                    self.lease.release()  # a standby takes over at its next try
                except Exception:
                    logger.warning("beat: could not release the leader lock", exc_info=True)
