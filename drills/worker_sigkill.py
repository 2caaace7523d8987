"""Drill: SIGKILL a Celery worker during a 5,000-message broadcast, a pool child first and
then the main process, and restart it: at the sandbox (Twilio's side) every recipient got
exactly one message.

What recovers what: a task on a killed child is requeued (acks late, rejected on worker
loss); the tasks the killed main process held stay unacknowledged in Redis for the
visibility timeout (an hour), so the outbox sweeper re-enqueues their messages, the send
lease keeps a second send from overlapping a first, and the reconciler settles a message
whose POST reached Twilio but whose answer died with the process; `broadcasts.tick`
re-kicks the broadcast once the dead run's lease runs out. The drill publishes the sweeper,
the reconciler and the tick every `--kick-every` seconds, as beat would.

    python -m drills.worker_sigkill [--messages 5000] [--timeout 600]
"""

import argparse
import contextlib
import os
import signal
import sys
import time

from drills import harness
from drills.dispatch import (
    FAST_RECOVERY,
    kicker,
    launch_broadcast,
    provisioned_tenant,
    tally,
    wait_all_sent,
    wait_sent,
)

QUEUE = "drill-worker-sigkill"


def run(messages: int, timeout: float, kick_every: float) -> int:
    started = time.monotonic()
    with harness.drill_environment("worker_sigkill", env={"CELERY_QUEUE": QUEUE}) as drill:
        counts, failures = _drill(drill, messages, timeout, kick_every)
    counts["runtime seconds"] = time.monotonic() - started
    return harness.report("worker_sigkill", counts, failures)


def _drill(drill, messages: int, timeout: float, kick_every: float):
    provisioned = provisioned_tenant("drill-sigkill")
    worker_env = {**FAST_RECOVERY, "CELERY_QUEUE": QUEUE}
    worker = harness.start_worker(drill, worker_env, QUEUE)
    dispatch = launch_broadcast(provisioned.tenant, messages)
    numbers = dispatch.numbers
    tick = kicker("broadcasts.tick")
    wait_sent(numbers, messages // 5, timeout, tick, kick_every)
    child = harness.worker_children(worker.process.pid)[0]
    os.kill(child, signal.SIGKILL)
    at_child_kill = tally(numbers)["sent"]
    wait_sent(numbers, 2 * messages // 5, timeout, tick, kick_every)
    children = harness.worker_children(worker.process.pid)
    os.kill(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    at_main_kill = tally(numbers)["sent"]
    time.sleep(0.5)
    _kill_children_left(children)
    killed_at = time.monotonic()
    harness.start_worker(drill, worker_env, QUEUE)

    kick = kicker("broadcasts.tick", "messaging.sweep_outbox", "messaging.reconcile_stale")
    wait_all_sent(numbers, timeout=timeout, kick=kick, interval=kick_every)
    recovery = time.monotonic() - killed_at
    time.sleep(2 * kick_every)  # a late duplicate would show now
    result = tally(numbers)
    counts = {
        "messages": messages,
        "sent at child kill": at_child_kill,
        "sent at main kill": at_main_kill,
        **result,
        "seconds from main kill to all sent": recovery,
    }
    failures = [f"{result[k]} {k}" for k in ("lost", "duplicated") if result[k]]
    return counts, failures


def _kill_children_left(children: list[int]) -> None:
    """Pool children outlive a SIGKILLed main process only briefly; any left go too."""
    for child in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--kick-every", type=float, default=2.0)
    args = parser.parse_args()
    return run(args.messages, args.timeout, args.kick_every)


if __name__ == "__main__":
    sys.exit(main())
