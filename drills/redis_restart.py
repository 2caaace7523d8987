"""Drill: restart Redis (broker, cache, buckets) during a broadcast: once the outbox sweeper
runs, every recipient is sent exactly once, counted at the sandbox; and how long the sweeper
took from Redis back to all sent.

The Redis has no persistence, so a restart loses every queued task, as a failover to an
empty replica would. The messages of the lost send tasks are committed in the outbox; the
sweeper re-enqueues those older than `MESSAGING_OUTBOX_SWEEP_SECONDS`, `broadcasts.tick`
re-kicks the broadcast's lost dispatch run. The drill publishes both every `--kick-every`
seconds, as beat would.

The negative control (`--no-sweeper`) runs the same restart with the tick but without the
sweeper: what it counts as lost is what the outbox saves. It passes when it finds loss (a
drill that cannot see loss proves nothing).

    python -m drills.redis_restart [--messages 1000] [--no-sweeper]
"""

import argparse
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

QUEUE = "drill-redis-restart"


def run(messages: int, timeout: float, kick_every: float, sweeper: bool, down: float) -> int:
    started = time.monotonic()
    name = "redis_restart" if sweeper else "redis_restart_control"
    with harness.drill_environment(name, env={"CELERY_QUEUE": QUEUE}) as drill:
        counts, failures = _drill(drill, messages, timeout, kick_every, sweeper, down)
    counts["runtime seconds"] = time.monotonic() - started
    return harness.report(name, counts, failures)


def _drill(drill, messages, timeout, kick_every, sweeper, down):
    provisioned = provisioned_tenant("drill-redis")
    worker_env = {**FAST_RECOVERY, "CELERY_QUEUE": QUEUE, "BROADCAST_BUCKET_BACKEND": "redis"}
    harness.start_worker(drill, worker_env, QUEUE)
    numbers = launch_broadcast(provisioned.tenant, messages).numbers
    wait_sent(numbers, messages // 3, timeout, kicker("broadcasts.tick"), kick_every)
    drill.redis_server.stop()
    at_stop = tally(numbers)["sent"]
    time.sleep(down)
    drill.redis_server.start()
    back_at = time.monotonic()
    from messaging.models import Message

    tasks = ("broadcasts.tick", "messaging.sweep_outbox") if sweeper else ("broadcasts.tick",)
    wait_all_sent(numbers, timeout if sweeper else min(timeout, 30.0), kicker(*tasks), kick_every)
    recovery = time.monotonic() - back_at
    time.sleep(2 * kick_every)  # a late duplicate would show now
    result = tally(numbers)
    stuck = Message.objects.filter(to_number__in=numbers, sid__isnull=True).count()
    counts = {"messages": messages, "sent when Redis stopped": at_stop,
              "seconds Redis was down": down, **result,
              "messages never sent (no sid)": stuck,
              "seconds from Redis back to all sent" if sweeper
              else "seconds waited without the sweeper": recovery}  # fmt: skip
    if sweeper:
        failures = [f"{result[k]} {k}" for k in ("lost", "duplicated") if result[k]]
    else:
        failures = [] if result["lost"] else ["the control lost nothing: the drill sees no loss"]
        failures += [f"{result['duplicated']} duplicated"] if result["duplicated"] else []
    return counts, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--kick-every", type=float, default=2.0)
    parser.add_argument("--down", type=float, default=2.0, help="seconds Redis stays down")
    parser.add_argument("--no-sweeper", dest="sweeper", action="store_false")
    args = parser.parse_args()
    return run(args.messages, args.timeout, args.kick_every, args.sweeper, args.down)


if __name__ == "__main__":
    sys.exit(main())
