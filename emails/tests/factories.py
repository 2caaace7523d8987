"""Factories of the email channel's rows, registered for the API tenancy walk."""

import factory
from django.utils import timezone

from emails.models import EmailEvent, EmailIdentity, EmailTemplate, EspCredentials
from isvplatform.testing.tenancy import register_tenant_factory
from messaging.models import Channel, Direction, Message, Status
from tenants.tests.factories import TenantFactory


class EmailIdentityFactory(factory.django.DjangoModelFactory):
    """A verified sending domain of the platform's account (`status="pending"` for one that
    waits for DNS, `kind=EMAIL_ADDRESS, name="ana@..."` for a single address)."""

    class Meta:
        model = EmailIdentity

    tenant = factory.SubFactory(TenantFactory)
    kind = EmailIdentity.Kind.DOMAIN
    name = factory.Sequence(lambda n: f"mail{n}.example.com")
    status = EmailIdentity.Status.VERIFIED
    dkim_status = factory.LazyAttribute(
        lambda o: "SUCCESS" if o.status == "verified" else "PENDING"
    )
    dkim_tokens = factory.Sequence(lambda n: [f"tok{n}a", f"tok{n}b", f"tok{n}c"])
    verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == EmailIdentity.Status.VERIFIED else None
    )


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailTemplate

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Newsletter {n}")
    category = EmailTemplate.Category.MARKETING
    subject = "News for {{first_name|you}}"
    html = (
        "<h1>Hello {{first_name|there}}</h1>"
        '<p>Our <a href="https://example.com/sale">sale</a> starts today.</p>'
    )
    text = ""
    text_generated = True


class EspCredentialsFactory(factory.django.DjangoModelFactory):
    """A tenant's own SES account, active. The keys are made up: for sends that must reach
    the local SES, pass ones from `sandbox.aws.services.account_create`."""

    class Meta:
        model = EspCredentials

    tenant = factory.SubFactory(TenantFactory)
    region = "us-east-1"
    access_key_id = factory.Sequence(lambda n: f"AKIATENANT{n:010d}")
    secret_access_key = factory.Sequence(lambda n: f"tenant-secret-{n:04d}-do-not-log")
    configuration_set = factory.Sequence(lambda n: f"tenant-{n}")
    webhook_secret = factory.Sequence(lambda n: f"hook{n}:pass{n}")
    status = EspCredentials.Status.ACTIVE
    checked_at = factory.LazyFunction(timezone.now)


class EmailMessageFactory(factory.django.DjangoModelFactory):
    """A sent email (a `messaging.Message` on channel email)."""

    class Meta:
        model = Message

    tenant = factory.SubFactory(TenantFactory)
    direction = Direction.OUTBOUND
    channel = Channel.EMAIL
    from_number = "news@mail.example.com"
    to_number = factory.Sequence(lambda n: f"reader{n}@example.org")
    subject = "Hello"
    body = "Hello there"
    html = "<p>Hello there</p>"
    esp_name = "amazon_ses"
    esp_message_id = factory.Sequence(lambda n: f"0100018c-test-{n:08d}-000000")
    status = Status.SENT
    status_rank = 30
    sent_at = factory.LazyFunction(timezone.now)


class EmailEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailEvent

    message = factory.SubFactory(EmailMessageFactory)
    tenant = factory.SelfAttribute("message.tenant")
    esp_name = "amazon_ses"
    event_id = factory.Sequence(lambda n: f"sns-{n:08d}")
    event_type = "delivered"
    recipient = factory.SelfAttribute("message.to_number")


register_tenant_factory(EmailIdentity, lambda tenant: EmailIdentityFactory(tenant=tenant))
register_tenant_factory(EmailTemplate, lambda tenant: EmailTemplateFactory(tenant=tenant))
register_tenant_factory(EspCredentials, lambda tenant: EspCredentialsFactory(tenant=tenant))
register_tenant_factory(
    EmailEvent, lambda tenant: EmailEventFactory(message=EmailMessageFactory(tenant=tenant))
)
