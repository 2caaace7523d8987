"""Helpers of the dispatcher's tests: a tenant provisioned through the sandbox, a broadcast
of it launched without running the dispatcher, and the sandbox's count per recipient."""

from collections import Counter

from django.utils import timezone

from broadcasts.models import Broadcast
from broadcasts.services.lifecycle import broadcast_launch
from broadcasts.tests.factories import BroadcastFactory
from contacts.models import Audience, AudienceMember
from contacts.tests.factories import ContactFactory
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.services import Actor


def consented_contacts(tenant, n: int, start: int = 0, **kwargs) -> list:
    """`n` contacts with SMS marketing consent and distinct numbers (+1628555xxxx)."""
    return [
        ContactFactory(
            tenant=tenant,
            phone=f"+1628555{start + i:04d}",
            sms_consent_at=timezone.now(),
            sms_consent_source="web_form",
            **kwargs,
        )
        for i in range(n)
    ]


def sending_broadcast(tenant, contacts, capture, **kwargs) -> Broadcast:
    """A broadcast to `contacts`, launched (recipients materialised, status sending) with the
    dispatcher's first enqueue captured rather than run."""
    audience = Audience.objects.create(tenant=tenant, name="Drill", kind=Audience.Kind.STATIC)
    AudienceMember.objects.bulk_create(
        [AudienceMember(tenant=tenant, audience=audience, contact=c) for c in contacts]
    )
    kwargs.setdefault("body", "Hi {{first_name|there}}, sale today. Reply STOP to opt out.")
    broadcast = BroadcastFactory(tenant=tenant, audience=audience, **kwargs)
    with capture(execute=False):
        broadcast = broadcast_launch(broadcast, Actor.system())
    assert broadcast.status == "sending", broadcast.status
    return broadcast


def sandbox_counts(numbers) -> Counter:
    """How many messages the sandbox (Twilio) accepted for each of `numbers`."""
    rows = SandboxMessage.objects.filter(to_address__in=list(numbers), direction="outbound-api")
    return Counter(rows.values_list("to_address", flat=True))
