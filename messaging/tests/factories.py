"""Factories of messaging's models, registered for the API tenancy walk.

Rows made here exist only in the platform's tables; tests that need Twilio's side provision
through the sandbox (see `conftest.py`).
"""

import factory
from django.utils import timezone

from isvplatform.testing.tenancy import register_tenant_factory
from messaging.models import (
    STATUS_RANK,
    ConsentEvent,
    Conversation,
    Direction,
    Message,
    MessageMedia,
    OptOut,
    Status,
)
from tenants.tests.factories import TenantFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    tenant = factory.SubFactory(TenantFactory)
    channel = "sms"
    contact_number = factory.Sequence(lambda n: f"+1628555{n % 10000:04d}")
    our_number = "+14155550100"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    tenant = factory.SubFactory(TenantFactory)
    direction = Direction.OUTBOUND
    channel = "sms"
    from_number = "+14155550100"
    to_number = factory.Sequence(lambda n: f"+1628556{n % 10000:04d}")
    body = factory.Sequence(lambda n: f"Hello {n}")
    status = Status.DELIVERED
    status_rank = STATUS_RANK[Status.DELIVERED]
    segments = 1
    encoding = "GSM-7"
    sid = factory.Sequence(lambda n: f"SM{n + 700000:032x}")
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)


class OptOutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptOut

    tenant = factory.SubFactory(TenantFactory)
    number = factory.Sequence(lambda n: f"+1628557{n % 10000:04d}")
    channel = "sms"
    source = OptOut.Source.MANUAL


class ConsentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentEvent

    tenant = factory.SubFactory(TenantFactory)
    number = factory.Sequence(lambda n: f"+1628558{n % 10000:04d}")
    channel = "sms"
    action = ConsentEvent.Action.OPT_OUT
    source = OptOut.Source.MANUAL


class MessageMediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageMedia

    tenant = factory.SubFactory(TenantFactory)
    message = factory.LazyAttribute(
        lambda media: MessageFactory(tenant=media.tenant, direction=Direction.INBOUND)
    )
    position = 0
    url = "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM0/Media/ME0"
    content_type = "image/png"


register_tenant_factory(Message, lambda tenant: MessageFactory(tenant=tenant))
register_tenant_factory(MessageMedia, lambda tenant: MessageMediaFactory(tenant=tenant))
register_tenant_factory(Conversation, lambda tenant: ConversationFactory(tenant=tenant))
register_tenant_factory(OptOut, lambda tenant: OptOutFactory(tenant=tenant))
register_tenant_factory(ConsentEvent, lambda tenant: ConsentEventFactory(tenant=tenant))
