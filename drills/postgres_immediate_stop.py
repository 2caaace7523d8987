"""Drill: crash PostgreSQL (`pg_ctl stop -m immediate`, then start it) while Twilio posts
inbound messages and status callbacks to a real web server: every inbound answered 2xx is
durable and applied once (a lost STOP is a compliance breach), every post not answered 2xx
is retried by its sender until it is, and once the reconciler has run every message is in
its true final status (Twilio's, the sandbox's): status callbacks are committed
asynchronously (`messaging/statuses.py`), so the crash may lose some answered 2xx, and the
reconciler must recover them.

Twilio is the sandbox: the drill sends its messages through the normal send path (the
worker hands them to the sandbox), lets the sandbox move them to their final statuses and
receive the inbound messages with its callbacks dropped, then posts those very callbacks
itself from a few sender threads (`drills.twilio_senders`), signed as Twilio signs them.

    python -m drills.postgres_immediate_stop [--messages 400] [--inbound 240] [--down 2]
"""

import argparse
import random
import sys
import time

from drills import harness
from drills.dispatch import FAST_RECOVERY, kicker, numbers_for, provisioned_tenant
from drills.pgstop_counts import FINAL, counts_and_failures, in_true_status
from drills.twilio_senders import Post, Senders, path_of

NAME = "postgres_immediate_stop"
QUEUE = "drill-pg-stop"
STOP_BODIES = ("STOP", "stop", "Unsubscribe", "CANCEL ")
FAILED_TO = "+15005550014"  # the sandbox fails these (30008)
UNDELIVERED_TO = ("+15005550010", "+15005550011", "+15005550012", "+15005550013")


def run(messages: int, inbound: int, senders: int, down: float, timeout: float) -> int:
    started = time.monotonic()
    env = {**FAST_RECOVERY, "CELERY_QUEUE": QUEUE}
    with harness.drill_environment(NAME, private_postgres=True, env=env) as drill:
        counts, failures = _drill(drill, messages, inbound, senders, down, timeout)
    counts["runtime seconds"] = time.monotonic() - started
    return harness.report(NAME, counts, failures)


def _recipient(index: int) -> str:
    """Mostly ordinary handsets; one in twenty fails at Twilio, one in twenty is undelivered
    (besides the sandbox's random delivery failures)."""
    if index % 20 == 0:
        return FAILED_TO
    if index % 20 == 1:
        return UNDELIVERED_TO[(index // 20) % len(UNDELIVERED_TO)]
    return numbers_for(1, index)[0]


def send_outbound(tenant, count: int, timeout: float) -> list[str]:
    """`count` messages through the batch send path; their SIDs once the worker sent all."""
    from messaging.models import Message
    from messaging.services import message_send_batch
    from tenants.services import Actor

    ids: list[str] = []
    for start in range(0, count, 1000):
        items = [
            {"to": _recipient(i), "body": f"Order {i} shipped."}
            for i in range(start, min(count, start + 1000))
        ]
        results = message_send_batch(tenant=tenant, items=items, actor=Actor.system())
        refused = [r.as_dict() for r in results if not r.queued]
        assert not refused, refused[:3]
        ids += [str(r.message.pk) for r in results]
    sent = Message.objects.filter(pk__in=ids, sid__isnull=False)
    kick = kicker("messaging.sweep_outbox")
    harness.wait_until(
        lambda: kick() or sent.count() == count,
        timeout,
        interval=1.0,
        what=f"{count} messages handed to the sandbox",
    )
    return list(sent.values_list("sid", flat=True))


def twilio_side(to_number: str, message_sids: list[str], inbound: int) -> list[str]:
    """At the sandbox, with every callback dropped: the messages moved to their final
    statuses and `inbound` messages received (one in six a STOP keyword); their SIDs."""
    from sandbox import clock, faults
    from sandbox.handsets import send_from_handset
    from sandbox.resources.messages.models import Message as SandboxMessage

    faults.configure(drop_callbacks=1.0, delivery_failure_rate=0.1, seed=7)
    bodies = [STOP_BODIES[i // 6 % 4] if i % 6 == 0 else f"Hello {i}" for i in range(inbound)]
    inbound_sids = [
        send_from_handset(number, to_number, body)["sid"]
        for number, body in zip(numbers_for(inbound, 500_000), bodies, strict=True)
    ]
    ours = SandboxMessage.objects.filter(sid__in=message_sids + inbound_sids)
    for _ in range(20):
        clock.advance(5)
        if not ours.exclude(status__in=(*FINAL, "received")).exists():
            break
    faults.configure(drop_callbacks=0.0)
    return inbound_sids


def webhook_jobs(message_sids: list[str], inbound_sids: list[str]) -> list[list[Post]]:
    """The callbacks the sandbox dropped, as the senders' jobs (a message's statuses in
    order, in one job), shuffled."""
    from sandbox.core.models import Account, Callback

    tokens = {a.sid: a.auth_token.reveal() for a in Account.objects.all()}
    dropped = Callback.objects.filter(
        status=Callback.Status.DROPPED, resource_sid__in=message_sids + inbound_sids
    ).order_by("due_at", "id")
    jobs: dict[str, list[Post]] = {}
    for cb in dropped:
        kind = "inbound" if cb.kind == "inbound-message" else "status"
        params = tuple((name, value) for name, value in cb.params)
        post = Post(kind, path_of(cb.url), params, tokens[cb.account_sid], cb.resource_sid)
        jobs.setdefault(cb.resource_sid, []).append(post)
    ordered = list(jobs.values())
    random.Random(11).shuffle(ordered)
    return ordered


def truth(message_sids: list[str]) -> dict[str, tuple[str, int | None]]:
    from sandbox.resources.messages.models import Message as SandboxMessage

    rows = SandboxMessage.objects.filter(sid__in=message_sids)
    return {
        sid: (str(status), code)
        for sid, status, code in rows.values_list("sid", "status", "error_code")
    }


def crash_under_load(drill, senders: Senders, total_posts: int, down: float) -> dict:
    """Start the senders; at a third answered stop the cluster in immediate mode, `down` s
    later start it; then wait for the senders. Times of the stop and of the restart."""
    from django.db import connections

    senders.start()
    harness.wait_until(
        lambda: senders.tally.posts_answered() >= total_posts // 3,
        timeout=senders.deadline - time.monotonic(),
        interval=0.05,
        what="a third of the webhooks answered",
    )
    at_stop = senders.tally.posts_answered()
    drill.postgres.stop("immediate")
    stopped = time.monotonic()
    time.sleep(down)
    drill.postgres.start()
    restarted = time.monotonic()
    connections.close_all()  # the drill's own connection died with the server
    senders.join()
    return {
        "answered at stop": at_stop,
        "stopped": stopped,
        "restarted": restarted,
        "seconds stopped": down,
        "seconds down": restarted - stopped,
    }


def reconcile_until_true(message_sids: list[str], true: dict, timeout: float) -> bool:
    """Publish the reconciler every 2 s (as beat would) until every message is in its true
    status; False on timeout."""
    kick = kicker("messaging.reconcile_stale")
    deadline, next_kick = time.monotonic() + timeout, 0.0
    while time.monotonic() < deadline:
        if in_true_status(message_sids, true) == len(message_sids):
            return True
        if time.monotonic() >= next_kick:
            kick()
            next_kick = time.monotonic() + 2.0
        time.sleep(0.5)
    return in_true_status(message_sids, true) == len(message_sids)


def _drill(drill, messages, inbound, sender_count, down, timeout):
    provisioned = provisioned_tenant("drill-pgstop")
    harness.start_worker(drill, {**FAST_RECOVERY, "CELERY_QUEUE": QUEUE}, QUEUE)
    web = harness.WebServer(drill, env={"CELERY_QUEUE": QUEUE})
    began = time.monotonic()
    message_sids = send_outbound(provisioned.tenant, messages, timeout)
    sending = time.monotonic() - began
    inbound_sids = twilio_side(provisioned.number.phone_number, message_sids, inbound)
    true = truth(message_sids)
    jobs = webhook_jobs(message_sids, inbound_sids)
    total_posts = sum(len(job) for job in jobs)
    senders = Senders(web.url, jobs, sender_count, deadline=time.monotonic() + timeout)
    load_began = time.monotonic()
    crash = crash_under_load(drill, senders, total_posts, down)
    crash.update(sending=sending, load_began=load_began, load_ended=time.monotonic())
    after_load = in_true_status(message_sids, true)
    consistent = reconcile_until_true(message_sids, true, timeout)
    crash["consistent"] = time.monotonic() if consistent else None
    return counts_and_failures(
        provisioned.tenant, senders.tally, crash, message_sids, inbound_sids, true, after_load
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--inbound", type=int, default=240)
    parser.add_argument("--senders", type=int, default=6)
    parser.add_argument("--down", type=float, default=2.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--timeout", type=float, default=240.0)
    args = parser.parse_args()
    return run(args.messages, args.inbound, args.senders, args.down, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
