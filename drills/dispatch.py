"""The dispatch drills' common ground: a tenant provisioned through the sandbox, a launched
broadcast of `n` consented contacts, tasks published to the drill's broker, and the
sandbox's (Twilio's) count of what each recipient got."""

import sys
import time
from collections import Counter
from dataclasses import dataclass

# Settings of the workers (and of the drill, whose sweeper arithmetic must match): short
# leases and waits so a drill recovers in seconds rather than the production minutes.
FAST_RECOVERY = {
    "BROADCAST_LEASE_SECONDS": "4",
    "MESSAGING_SEND_LEASE_SECONDS": "8",
    "MESSAGING_SEND_DOUBT_SECONDS": "1",
    "MESSAGING_OUTBOX_SWEEP_SECONDS": "5",
    "MESSAGING_RECONCILE_AFTER_SECONDS": "5",
    "BROADCAST_MPS_OVERRIDE": "1000",
    "BROADCAST_BATCH_MAX": "200",
    "BILLING_RAMP_UP_LEVELS": "",
}


@dataclass
class Dispatch:
    tenant: object
    broadcast_id: str
    numbers: list[str]


def provisioned_tenant(slug: str):
    """A tenant with an active sandbox subaccount and a verified toll-free number."""
    from messaging.tests.conftest import provision_tenant
    from tenants.models import Tenant

    tenant = Tenant.objects.create(name=f"Drill {slug}", slug=slug)
    return provision_tenant(tenant)


def numbers_for(n: int, start: int = 0) -> list[str]:
    return [f"+1628{2000000 + start + i:07d}" for i in range(n)]


def launch_broadcast(tenant, n: int, start: int = 0) -> Dispatch:
    """`n` consented contacts in a static audience and a transactional broadcast to them,
    launched: its first dispatch run is published when the launch commits."""
    from django.utils import timezone

    from broadcasts.services.lifecycle import broadcast_launch
    from broadcasts.tests.factories import BroadcastFactory
    from contacts.models import Audience, AudienceMember, Contact
    from tenants.services import Actor

    numbers = numbers_for(n, start)
    now = timezone.now()
    contacts = Contact.objects.bulk_create(
        [Contact(tenant=tenant, first_name=f"C{i}", phone=phone, sms_consent_at=now,
                 sms_consent_source="web_form", time_zone="America/New_York", country="US")
         for i, phone in enumerate(numbers)],
        batch_size=1000,
    )  # fmt: skip
    audience = Audience.objects.create(tenant=tenant, name="Drill", kind=Audience.Kind.STATIC)
    AudienceMember.objects.bulk_create(
        [AudienceMember(tenant=tenant, audience=audience, contact=c) for c in contacts],
        batch_size=1000,
    )
    broadcast = BroadcastFactory(
        tenant=tenant, audience=audience, purpose="transactional",
        body="Hi {{first_name|there}}, your order shipped.",
    )  # fmt: skip
    broadcast = broadcast_launch(broadcast, Actor.system())
    assert broadcast.status == "sending", broadcast.status
    return Dispatch(tenant=tenant, broadcast_id=str(broadcast.pk), numbers=numbers)


def kicker(*tasks: str):
    """Publish `tasks` (as beat would), ignoring a broker that is down for the moment."""

    def kick() -> None:
        for task in tasks:
            try:
                publish(task)
            except Exception as err:  # Redis coming back: the next kick goes through
                print(f"kick {task} failed: {type(err).__name__}", file=sys.stderr)

    return kick


def publish(name: str, *args: str, broker_url: str | None = None) -> None:
    """Publish task `name` to the drill's queue (on `broker_url` when given; a drill whose
    Redis is down gets a ConnectionError it may ignore)."""
    from django.conf import settings
    from kombu import Connection

    from isvplatform.celery import app

    with Connection(broker_url or settings.CELERY_BROKER_URL, connect_timeout=1) as conn:
        app.send_task(name, args=list(args), queue=settings.CELERY_TASK_DEFAULT_QUEUE,
                      connection=conn, retry=False)  # fmt: skip


def sandbox_counts(numbers: list[str]) -> Counter:
    from broadcasts.tests.factories_dispatch import sandbox_counts as counts

    return counts(numbers)


def tally(numbers: list[str]) -> dict[str, int]:
    """Sent (at the sandbox), lost (never reached it) and duplicated (beyond the first)."""
    counts = sandbox_counts(numbers)
    return {
        "sent": sum(counts.values()),
        "lost": sum(1 for n in numbers if counts[n] == 0),
        "duplicated": sum(c - 1 for c in counts.values() if c > 1),
    }


def wait_all_sent(numbers: list[str], timeout: float, kick=None, interval: float = 1.0) -> bool:
    """Until every number reached the sandbox (calling `kick` between looks); False on
    timeout."""
    return wait_sent(numbers, len(numbers), timeout, kick, interval, fail=False)


def wait_sent(numbers, at_least: int, timeout: float, kick=None, interval: float = 1.0,
              fail: bool = True) -> bool:  # fmt: skip
    """Until `at_least` of `numbers` reached the sandbox, calling `kick` (beat's periodic
    tasks) every `interval`; on timeout False, or TimeoutError when `fail`."""
    deadline = time.monotonic() + timeout
    next_kick = 0.0
    while time.monotonic() < deadline:
        if len(numbers) - tally(numbers)["lost"] >= at_least:
            return True
        if kick is not None and time.monotonic() >= next_kick:
            kick()
            next_kick = time.monotonic() + interval
        time.sleep(0.3)
    if fail:
        raise TimeoutError(f"{at_least} of {len(numbers)} not sent within {timeout:.0f}s")
    return len(numbers) - tally(numbers)["lost"] >= at_least
