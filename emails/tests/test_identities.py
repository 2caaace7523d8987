"""Sender identities: names, uniqueness, DNS records, the staff path for ESPs without an
identity API, and which identity covers a From address."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from emails.models import EmailIdentity
from emails.services import (
    dns_records,
    identity_create,
    identity_mark_verified,
    verified_identity_for,
)
from emails.tests.factories import EmailIdentityFactory, EspCredentialsFactory
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def not_ses(settings):
    settings.EMAIL_ESP = "postmark"


@pytest.mark.parametrize(
    "name",
    ["", "example", "-bad.example.com", "exa mple.com", "a@", "@example.com", "x" * 300 + ".com"],
)
def test_bad_names_are_400_naming_name(tenant, name, not_ses):
    with pytest.raises(ValidationError) as err:
        identity_create(tenant=tenant, name=name, actor=Actor.system())
    assert "name" in err.value.message_dict


def test_names_are_lower_cased_and_kinds_told_apart(tenant, not_ses):
    domain = identity_create(tenant=tenant, name=" Mail.Example.COM ", actor=Actor.system())
    address = identity_create(tenant=tenant, name="Ana@Example.com", actor=Actor.system())
    assert (domain.name, domain.kind) == ("mail.example.com", EmailIdentity.Kind.DOMAIN)
    assert (address.name, address.kind) == ("ana@example.com", EmailIdentity.Kind.EMAIL_ADDRESS)


def test_unique_per_tenant_and_on_the_platform_account(tenant, other_tenant, not_ses):
    identity_create(tenant=tenant, name="example.com", actor=Actor.system())
    with pytest.raises(ValidationError) as mine:
        identity_create(tenant=tenant, name="EXAMPLE.com", actor=Actor.system())
    assert "name" in mine.value.message_dict
    with pytest.raises(ValidationError) as theirs:
        identity_create(tenant=other_tenant, name="example.com", actor=Actor.system())
    assert "another account" in theirs.value.message_dict["name"][0]
    # A tenant with its own SES account holds its identities there.
    EspCredentialsFactory(tenant=other_tenant)
    own = identity_create(tenant=other_tenant, name="example.com", actor=Actor.system())
    assert own.own_credentials


def test_other_esps_wait_for_staff(tenant, staff_user, not_ses, django_capture_on_commit_callbacks):
    owner = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user
    identity = identity_create(tenant=tenant, name="example.com", actor=Actor.system())
    assert identity.status == EmailIdentity.Status.NOT_STARTED
    assert "postmark" in identity.failure_reason
    assert verified_identity_for(tenant, "news@example.com") is None
    with django_capture_on_commit_callbacks(execute=True):
        verified = identity_mark_verified(identity=identity, actor=Actor(user=staff_user))
    assert verified.status == EmailIdentity.Status.VERIFIED
    assert verified.verified_at is not None
    audit = AuditEvent.objects.get(tenant=tenant, action="email.identity.verified")
    assert audit.changes["status"] == ["not_started", "verified"]
    assert audit.actor_label == staff_user.get_username()
    assert verified_identity_for(tenant, "News@Example.com") == verified
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert "verified" in mail.outbox[0].subject.lower()


def test_dns_records_of_a_domain():
    identity = EmailIdentityFactory.build(name="example.com", dkim_tokens=["t1", "t2", "t3"])
    records = dns_records(identity)
    cnames = [(r.type, r.name, r.value) for r in records if r.type == "CNAME"]
    assert cnames == [
        ("CNAME", f"{t}._domainkey.example.com", f"{t}.dkim.amazonses.com")
        for t in ("t1", "t2", "t3")
    ]
    assert all(r.required for r in records if r.type == "CNAME")
    spf, dmarc = [r for r in records if r.type == "TXT"]
    assert (spf.name, spf.value) == ("example.com", "v=spf1 include:amazonses.com ~all")
    assert dmarc.name == "_dmarc.example.com"
    assert dmarc.value.startswith("v=DMARC1; p=none; rua=mailto:")
    assert not spf.required and not dmarc.required


def test_verified_identity_for_prefers_the_address(tenant):
    domain = EmailIdentityFactory(tenant=tenant, name="example.com")
    address = EmailIdentityFactory(
        tenant=tenant, name="ana@example.com", kind=EmailIdentity.Kind.EMAIL_ADDRESS
    )
    EmailIdentityFactory(tenant=tenant, name="pending.org", status=EmailIdentity.Status.PENDING)
    assert verified_identity_for(tenant, "ana@example.com") == address
    assert verified_identity_for(tenant, "bob@example.com") == domain
    assert verified_identity_for(tenant, "bob@pending.org") is None
    assert verified_identity_for(tenant, "not-an-address") is None


def test_beat_polls_identities_with_a_registered_task(settings):
    from isvplatform.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["emails-poll-identities"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == settings.EMAIL_IDENTITY_POLL_SECONDS
