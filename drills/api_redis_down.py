"""Drill: Redis (broker, cache, throttle) stopped for a moment while clients send through the
API: no call answers a 5xx, and at the sandbox every recipient is sent exactly once.

A real web server (gunicorn with 2 uvicorn workers) and a real Celery worker on every queue
run on a private Redis; the drill publishes the outbox sweeper every
`--kick-every` seconds, as beat would. `--clients` threads POST `/api/v1/messages`
`--sends` times in all, each send to its own recipient with its own `Idempotency-Key`. Once
a third are answered, Redis is stopped for `--down` seconds and started again, empty (no
persistence). A client retries a send that was not answered 2xx (or whose connection
failed) with the same key, after a short backoff (or its `Retry-After`), until it is: the
key keeps a retry from committing the message twice.

    python -m drills.api_redis_down [--sends 2000] [--clients 8] [--down 2]
"""

import argparse
import os
import sys
import threading
import time
import uuid
from collections import Counter

from drills import harness
from drills.dispatch import (
    FAST_RECOVERY,
    kicker,
    numbers_for,
    provisioned_tenant,
    tally,
    wait_all_sent,
)

QUEUE = "drill-api-redis-down"
BODY = "Your table is ready"
BACKOFF_SECONDS = (0.1, 0.2, 0.5, 1.0)
MAX_RETRY_AFTER = 2.0
# Send tasks at once: the 2,000 sends reach the sandbox in minutes on a loaded 2-CPU machine.
WORKER_CONCURRENCY = 4


class Clients:
    """The API clients' threads and what they were answered (every answer, retries too)."""

    def __init__(self, url: str, raw_key: str, numbers: list[str], clients: int) -> None:
        self.url, self.raw_key, self.numbers, self.clients = url, raw_key, numbers, clients
        self.counts: Counter[str] = Counter()
        self.ids: dict[str, str] = {}
        self.lock = threading.Lock()
        self.third_answered = threading.Event()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._loop, args=(k,), daemon=True)
                   for k in range(self.clients)]  # fmt: skip
        for thread in threads:
            thread.start()
        return threads

    def _loop(self, k: int) -> None:
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.raw_key}"
        for number in self.numbers[k :: self.clients]:
            message_id = self._send(session, number, str(uuid.uuid4()))
            with self.lock:
                self.ids[number] = message_id
                self.counts["sends"] += 1
                if self.counts["sends"] >= len(self.numbers) // 3:
                    self.third_answered.set()

    def _send(self, session, number: str, key: str) -> str:
        """POST until answered 2xx, always with `key`; the message's id."""
        import requests

        for attempt in range(10_000):
            if attempt:
                self._count("retries")
            try:
                response = session.post(f"{self.url}/api/v1/messages", timeout=30,
                                        json={"to": number, "body": BODY},
                                        headers={"Idempotency-Key": key})  # fmt: skip
            except requests.RequestException:
                self._count("connection_errors")
                time.sleep(BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)])
                continue
            if 200 <= response.status_code < 300:
                self._count("answered_2xx")
                return response.json()["id"]
            self._count("answered_5xx" if response.status_code >= 500 else "answered_other")
            self._count(f"status {response.status_code} {_error_code(response)}")
            if response.status_code >= 500:
                print(f"{response.status_code} for {number}: {response.text[:300]}",
                      file=sys.stderr)  # fmt: skip
            time.sleep(self._wait(response, attempt))
        raise RuntimeError(f"{number} never answered 2xx")

    @staticmethod
    def _wait(response, attempt: int) -> float:
        try:
            return min(float(response.headers.get("Retry-After", "")), MAX_RETRY_AFTER)
        except ValueError:
            return BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS) - 1)]

    def _count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1


def _error_code(response) -> str:
    """The code of the API's error body ("throttled"), or "-" for a body without one."""
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "-"


def kick_periodically(stop: threading.Event, every: float) -> threading.Thread:
    """Beat's outbox sweeper, published every `every` seconds until `stop`."""
    kick = kicker("messaging.sweep_outbox")

    def loop() -> None:
        while not stop.wait(every):
            kick()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def run(sends: int, clients: int, down: float, timeout: float, kick_every: float) -> int:
    started = time.monotonic()
    env = {**FAST_RECOVERY, "CELERY_QUEUE": QUEUE, "CELERY_QUEUE_ROUTING": "true"}
    with harness.drill_environment("api_redis_down", env=env) as drill:
        counts, failures = _drill(drill, sends, clients, down, timeout, kick_every)
    counts["runtime seconds"] = time.monotonic() - started
    counts["load average at the end"] = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return harness.report("api_redis_down", counts, failures)


def _servers(drill):
    """The web server, and a prefork worker on every queue (routing on, as an operator runs
    it)."""
    from isvplatform.routing import all_queues
    from isvplatform.testing.worker import start_worker

    queues = all_queues()
    pool = ["--pool", "prefork", "--concurrency", str(WORKER_CONCURRENCY)]
    worker = start_worker(drill.workdir, extra_env=dict(FAST_RECOVERY), queue=queues[0],
                          more_queues=queues[1:], pool_args=pool)  # fmt: skip
    drill.cleanups.append(worker.stop)
    return harness.WebServer(drill, workers=2)


def committed(numbers: list[str]) -> dict[str, int]:
    """Messages stored per recipient: one each, whatever the retries."""
    from messaging.models import Message

    per = Counter(Message.objects.filter(to_number__in=numbers).values_list("to_number", flat=True))
    return {"committed": sum(per.values()),
            "committed_twice": sum(c - 1 for c in per.values() if c > 1)}  # fmt: skip


def _drill(drill, sends, clients, down, timeout, kick_every):
    from tenants.tests.factories import make_api_key

    provisioned = provisioned_tenant("drill-api-redis")
    raw_key = make_api_key(provisioned.tenant)[1]
    web = _servers(drill)
    numbers = numbers_for(sends)
    stop_kicks = threading.Event()
    kick_periodically(stop_kicks, kick_every)
    api = Clients(web.url, raw_key, numbers, clients)
    started = time.monotonic()
    threads = api.run()
    api.third_answered.wait(timeout)
    drill.redis_server.stop()
    at_stop, answered_before = api.counts["sends"], api.counts["answered_2xx"]
    time.sleep(down)
    answered_down = api.counts["answered_2xx"] - answered_before
    drill.redis_server.start()
    back_at = time.monotonic()
    for thread in threads:
        thread.join(max(1.0, timeout - (time.monotonic() - started)))
    answered = not any(thread.is_alive() for thread in threads)
    api_seconds = time.monotonic() - started
    all_sent = answered and wait_all_sent(numbers, timeout - (time.monotonic() - back_at))
    recovery = time.monotonic() - back_at
    time.sleep(2 * kick_every)  # a late duplicate would show now
    stop_kicks.set()
    counts = {"sends": sends, **_answers(api), "clients": clients,
              "answered when Redis stopped": at_stop, "seconds Redis was down": down,
              "answered_2xx while Redis was down": answered_down,
              "seconds for all sends to be answered": api_seconds,
              **committed(numbers), **tally(numbers),
              "seconds from Redis back to all sent": recovery,
              "fail-open log lines (web)": web.log().count("failing open"),
              "server errors in the web log": web.log().count("Internal Server Error")}  # fmt: skip
    failures = [] if answered else [f"only {api.counts['sends']} of {sends} sends answered 2xx"]
    failures += [] if all_sent or not answered else ["not every recipient sent in time"]
    must_be_zero = ("answered_5xx", "lost", "duplicated", "committed_twice")
    failures += [f"{counts[k]} {k}" for k in must_be_zero if counts[k]]
    return counts, failures


def _answers(api: Clients) -> dict[str, int | str]:
    names = ("answered_2xx", "answered_5xx", "answered_other", "retries", "connection_errors")
    counts = {name.replace("other", "other_non_2xx"): api.counts[name] for name in names}
    codes = sorted(name for name in api.counts if name.startswith("status "))
    counts["non-2xx answers by status"] = ", ".join(f"{c[7:]}: {api.counts[c]}" for c in codes)
    counts["distinct message ids"] = len(set(api.ids.values()))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--down", type=float, default=2.0, help="seconds Redis stays down")
    parser.add_argument("--timeout", type=float, default=480.0)
    parser.add_argument("--kick-every", type=float, default=2.0)
    args = parser.parse_args()
    return run(args.sends, args.clients, args.down, args.timeout, args.kick_every)


if __name__ == "__main__":
    sys.exit(main())
