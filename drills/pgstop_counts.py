"""The counts of `drills.postgres_immediate_stop`, read from the platform's database (what
survived the crash) against what the senders were told and what the sandbox knows."""

from django.db.models import Count

from drills.twilio_senders import Tally

FINAL = ("delivered", "undelivered", "failed")
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}


def ours(message_sids: list[str]) -> dict[str, tuple[str, int | None]]:
    """(status, error code) of each message in the platform's database."""
    from messaging.models import Message

    rows = Message.objects.filter(sid__in=message_sids)
    return {
        sid: (status, code) for sid, status, code in rows.values_list("sid", "status", "error_code")
    }


def in_true_status(message_sids: list[str], true: dict) -> int:
    """How many messages the platform holds in the status (and error) the sandbox knows."""
    now = ours(message_sids)
    return sum(1 for sid in message_sids if now.get(sid) == true[sid])


def _inbound_counts(tenant, tally: Tally, inbound_sids: list[str]) -> dict[str, int]:
    from messaging.models import ConsentEvent, Direction, Message, OptOut
    from sandbox.resources.messages.models import Message as SandboxMessage

    answered = tally.answered_sids.get("inbound", set())
    rows = Message.objects.filter(direction=Direction.INBOUND, sid__in=answered)
    durable = rows.values("sid").distinct().count()
    sent = SandboxMessage.objects.filter(sid__in=inbound_sids)
    stops = {
        sid: frm
        for sid, frm, body in sent.values_list("sid", "from_address", "body")
        if body.strip().upper() in STOP_WORDS
    }
    stop_numbers = {stops[sid] for sid in answered & stops.keys()}
    opt_outs = OptOut.objects.filter(tenant=tenant, number__in=stop_numbers)
    ledger = (
        ConsentEvent.objects.filter(tenant=tenant, number__in=stop_numbers, action="opt_out")
        .values("number")
        .annotate(n=Count("id"))
    )
    return {
        "inbound_sent": tally.sent["inbound"],
        "inbound_answered_2xx": len(answered),
        "inbound_durable": durable,
        "inbound_lost": len(answered) - durable,
        "inbound_duplicated": rows.count() - durable,
        "stop_keywords_sent": len(stops),
        "stop_keywords_answered": len(stop_numbers),
        "opt_outs_recorded": opt_outs.values("number").distinct().count(),
        "opt_outs_duplicated": opt_outs.count()
        - opt_outs.values("number").distinct().count()
        + sum(row["n"] - 1 for row in ledger),
    }


def _status_counts(tally: Tally, message_sids: list[str], true: dict, after_load: int) -> dict:
    from messaging.models import WebhookEvent

    events = WebhookEvent.objects.filter(message_sid__in=message_sids)
    twice = (
        events.filter(kind=WebhookEvent.Kind.STATUS)
        .values("message_sid", "status")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    recovered = events.filter(kind=WebhookEvent.Kind.RECONCILE, status__in=FINAL).count()
    finals = sorted({status for status, _ in true.values()})
    return {
        "status_callbacks_sent": tally.sent["status"],
        "status_callbacks_answered_2xx": tally.answered["status"],
        "status_events_duplicated": twice,
        "messages_total": len(message_sids),
        "true final statuses": ", ".join(
            f"{s} {sum(1 for v in true.values() if v[0] == s)}" for s in finals
        ),
        "messages_in_true_final_status_after_load": after_load,
        "messages_in_true_final_status": in_true_status(message_sids, true),
        "status_recovered_by_reconciler": recovered,
    }


def _seconds(crash: dict) -> dict:
    """How long the phases took, and the recovery: from the restart (and from the load's
    end) to every message in its true status."""
    consistent = crash["consistent"]
    return {
        "seconds handing the messages to the sandbox": crash["sending"],
        "seconds of webhook load": crash["load_ended"] - crash["load_began"],
        "seconds from restart to all consistent": consistent - crash["restarted"]
        if consistent
        else "never",
        "seconds from the load's end to all consistent": consistent - crash["load_ended"]
        if consistent
        else "never",
    }


def counts_and_failures(
    tenant, tally: Tally, crash: dict, message_sids, inbound_sids, true, after_load: int
) -> tuple[dict, list[str]]:
    """The drill's counts and the failures among them."""
    refusals = ", ".join(f"{label} {n}" for label, n in tally.refused.most_common())
    counts = {
        "answered at the stop": crash["answered at stop"],
        "seconds stopped before pg_ctl start": crash["seconds stopped"],
        "seconds from the stop to PostgreSQL recovered": crash["seconds down"],
        **_inbound_counts(tenant, tally, inbound_sids),
        **_status_counts(tally, message_sids, true, after_load),
        "answered_5xx_or_errors": sum(tally.refused.values()),
        "answers other than 2xx": refusals or "none",
        "retries": tally.retries,
        "webhooks given up": len(tally.given_up),
        **_seconds(crash),
    }
    failures = [
        f"{counts[k]} {k}"
        for k in (
            "inbound_lost",
            "inbound_duplicated",
            "opt_outs_duplicated",
            "status_events_duplicated",
            "webhooks given up",
        )
        if counts[k]
    ]
    if counts["inbound_answered_2xx"] != counts["inbound_sent"]:
        failures.append("not every inbound was answered 2xx")
    if counts["opt_outs_recorded"] != counts["stop_keywords_answered"]:
        failures.append("opt-outs recorded differ from the STOPs answered")
    if counts["messages_in_true_final_status"] != counts["messages_total"]:
        failures.append("messages not in their true final status after the reconciler")
    return counts, failures
