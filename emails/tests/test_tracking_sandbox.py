"""End to end against the local SES: an identity verified by the beat poll, emails to the
mailbox simulator sent through `email_send`, and the events SES posts (in process, with the
subscription's basic auth) ending each email in its status."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from emails.models import EmailEvent, EmailIdentity
from emails.services import email_send, identity_create, identity_delete, is_suppressed
from emails.tasks import poll_identities_task
from messaging.models import Message, OptOut, Status
from sandbox import clock
from sandbox.aws.models import SesEmail, SesIdentity
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)

SIMULATOR = "simulator.amazonses.com"


def verified_domain(tenant, name="mail.example.com") -> EmailIdentity:
    """Create the identity at the local SES, let it verify, and poll it like beat does."""
    identity = identity_create(tenant=tenant, name=name, actor=Actor.system())
    identity.refresh_from_db()
    assert identity.status == EmailIdentity.Status.PENDING
    assert len(identity.dkim_tokens) == 3
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    EmailIdentity.objects.filter(pk=identity.pk).update(next_check_at=identity.created_at)
    assert poll_identities_task() == 1
    identity.refresh_from_db()
    return identity


def test_identity_pending_then_verified_by_the_beat_poll(tenant):
    owner = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user
    identity = identity_create(tenant=tenant, name="mail.example.com", actor=Actor.system())
    identity.refresh_from_db()
    assert identity.status == EmailIdentity.Status.PENDING
    assert identity.next_check_at is not None
    # Not due yet: the beat leaves it alone.
    assert poll_identities_task() == 0
    identity = verified_domain(tenant, name="mail2.example.com")
    assert identity.status == EmailIdentity.Status.VERIFIED
    assert identity.verified_at is not None
    assert identity.next_check_at > identity.verified_at + timedelta(hours=23)
    audit = AuditEvent.objects.get(tenant=tenant, action="email.identity.verified")
    assert audit.changes["status"] == ["pending", "verified"]
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "mail2.example.com" in mail.outbox[0].subject


def test_identity_delete_removes_it_at_ses(tenant):
    identity = verified_domain(tenant)
    assert SesIdentity.objects.filter(name=identity.name).exists()
    identity_delete(identity=identity, actor=Actor.system())
    assert not EmailIdentity.objects.filter(pk=identity.pk).exists()
    assert not SesIdentity.objects.filter(name=identity.name).exists()
    assert AuditEvent.objects.filter(tenant=tenant, action="email.identity.deleted").exists()


def _send(tenant, to: str) -> Message:
    message = email_send(
        tenant=tenant,
        to=to,
        from_="news@mail.example.com",
        subject="Hello",
        html="<p>Hello there</p>",
        actor=Actor.system(),
    )
    message.refresh_from_db()
    assert message.status == Status.SENT, message.error_message
    assert message.esp_message_id
    return message


@pytest.mark.parametrize(
    ("local", "status", "suppressed"),
    [
        ("success", Status.DELIVERED, False),
        ("bounce", Status.UNDELIVERED, True),
        ("complaint", Status.COMPLAINED, True),
        ("ooto", Status.DELIVERED, False),
        ("suppressionlist", Status.UNDELIVERED, True),
    ],
)
def test_mailbox_simulator_ends_each_email_in_its_status(tenant, local, status, suppressed):
    verified_domain(tenant)
    address = f"{local}@{SIMULATOR}"
    message = _send(tenant, address)
    clock.advance(5)
    clock.advance(60)
    message.refresh_from_db()
    assert message.status == status
    assert EmailEvent.objects.filter(message=message).exists()
    assert is_suppressed(tenant.pk, address) is suppressed
    if suppressed:
        source = OptOut.Source.COMPLAINT if local == "complaint" else OptOut.Source.BOUNCE
        assert OptOut.objects.get(tenant=tenant, number=address).source == source
        # A later email to it is refused before the ESP.
        at_ses = SesEmail.objects.count()
        with pytest.raises(ValidationError) as refused:
            email_send(
                tenant=tenant,
                to=address,
                from_="news@mail.example.com",
                subject="Again",
                text="Hello",
                actor=Actor.system(),
            )
        assert "suppress" in str(refused.value)
        assert SesEmail.objects.count() == at_ses


def test_repeated_events_from_ses_change_nothing(tenant):
    verified_domain(tenant)
    message = _send(tenant, f"success@{SIMULATOR}")
    clock.advance(60)
    message.refresh_from_db()
    events = EmailEvent.objects.filter(message=message).count()
    stamp = message.updated_at
    clock.advance(600)
    message.refresh_from_db()
    assert EmailEvent.objects.filter(message=message).count() == events
    assert message.updated_at == stamp


def test_unreachable_ses_releases_the_claim_for_the_retry(tenant, settings):
    from celery.exceptions import Retry

    from emails.services import identity_submit

    settings.EMAIL_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens there
    with pytest.raises(Retry):  # the task asks Celery to try again later
        identity_create(tenant=tenant, name="mail.example.com", actor=Actor.system())
    identity = EmailIdentity.objects.get(tenant=tenant)
    assert identity.status == EmailIdentity.Status.PENDING
    assert identity.claimed_until is None
    settings.EMAIL_SANDBOX_URL = ""
    assert identity_submit(str(identity.pk)) == EmailIdentity.Status.PENDING
    identity.refresh_from_db()
    assert len(identity.dkim_tokens) == 3


def test_opening_and_clicking_in_the_mailbox_mark_it_opened(tenant):
    from sandbox import testing

    verified_domain(tenant)
    message = email_send(
        tenant=tenant,
        to="reader@example.org",
        from_="news@mail.example.com",
        subject="Sale",
        html='<p>Our <a href="https://example.com/sale">sale</a> starts today.</p>',
        actor=Actor.system(),
    )
    clock.advance(60)
    message.refresh_from_db()
    assert message.status == Status.DELIVERED
    [received] = testing.ses_emails("reader@example.org")
    assert received["message_id"] == message.esp_message_id
    assert testing.ses_open(message.esp_message_id)
    message.refresh_from_db()
    assert message.status == Status.OPENED
    assert message.read_at is not None
    testing.ses_click(message.esp_message_id, "https://example.com/sale")
    click = EmailEvent.objects.get(message=message, event_type="clicked")
    assert click.click_url == "https://example.com/sale"
    message.refresh_from_db()
    assert message.status == Status.OPENED
