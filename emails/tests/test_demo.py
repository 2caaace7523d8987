"""`make run`'s email demo: Demo Coffee verifies its domain in the sandbox's SES, sends an
email and an email broadcast that arrive in the sandbox mailbox as delivered and opened,
and a receipt to the simulator's bounce address ends on the suppression list."""

import pytest

from broadcasts.models import Broadcast
from emails.demo import BOUNCE_ADDRESS, BROADCAST_NAME, SUBSCRIBERS, send_demo_emails
from emails.models import EmailEvent, EmailIdentity
from isvplatform.demo import DEMO_STEPS
from messaging.models import Message, OptOut
from sandbox.testing import ses_emails
from tenants.tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee(db):
    return TenantFactory(is_demo=True, profile={"website": "https://www.coffee.example.org"})


def test_the_demo_runs_the_email_step_after_the_contact_fields():
    steps = DEMO_STEPS
    assert "emails.demo.send_demo_emails" in steps
    assert steps.index("emails.demo.send_demo_emails") > steps.index(
        "contacts.demo.add_demo_contact_fields"
    )


def test_the_demo_verifies_its_domain_sends_and_suppresses_the_bounce(
    coffee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_demo_emails(coffee)

    identity = EmailIdentity.objects.for_tenant(coffee).get()
    assert (identity.name, identity.status, identity.kind) == (
        "coffee.example.org", "verified", "domain",
    )  # fmt: skip

    first_address = SUBSCRIBERS[0][2]
    welcome = Message.objects.for_tenant(coffee).get(to_number=first_address, origin="api")
    assert welcome.from_number == "hello@coffee.example.org"
    assert welcome.subject == "Welcome to Demo Coffee, Mia"
    assert welcome.status == "opened"
    events = set(EmailEvent.objects.filter(message=welcome).values_list("event_type", flat=True))
    assert {"sent", "delivered", "opened"} <= events

    broadcast = Broadcast.objects.for_tenant(coffee).get(name=BROADCAST_NAME)
    assert (broadcast.channel, broadcast.status) == ("email", "completed")
    assert (broadcast.total, broadcast.sent, broadcast.delivered, broadcast.failed) == (3, 3, 3, 0)
    newsletters = Message.objects.filter(broadcast_recipient__broadcast=broadcast)
    assert set(newsletters.values_list("status", flat=True)) == {"delivered", "opened"}
    assert newsletters.get(to_number=first_address).status == "opened"
    for _, _, address in SUBSCRIBERS:
        subjects = [email["subject"] for email in ses_emails(address)]
        assert any(s.startswith("The autumn blend is here") for s in subjects), address
    assert len(ses_emails(first_address)) == 2

    receipt = Message.objects.for_tenant(coffee).get(to_number=BOUNCE_ADDRESS)
    assert receipt.status == "undelivered"
    suppressed = OptOut.objects.for_tenant(coffee).get(channel="email", number=BOUNCE_ADDRESS)
    assert suppressed.source == "bounce"

    sent = Message.objects.for_tenant(coffee).count()
    with django_capture_on_commit_callbacks(execute=True):
        send_demo_emails(coffee)  # idempotent
    assert Message.objects.for_tenant(coffee).count() == sent
    assert EmailIdentity.objects.for_tenant(coffee).count() == 1
