"""Factories of broadcasts and their rows, registered for the API tenancy walk."""

import factory

from broadcasts.models import (
    Broadcast,
    BroadcastFailure,
    BroadcastRecipient,
    BroadcastSettings,
    BroadcastTransition,
)
from contacts.tests.factories import AudienceFactory, ContactFactory
from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory


class BroadcastFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Broadcast

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Spring sale {n}")
    body = "Hi {{first_name|there}}, 20% off this week. Reply STOP to opt out."
    audience = factory.SubFactory(
        AudienceFactory, tenant=factory.SelfAttribute("..tenant"), kind="static"
    )


class BroadcastRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastRecipient

    broadcast = factory.SubFactory(BroadcastFactory)
    tenant = factory.SelfAttribute("broadcast.tenant")
    contact = factory.SubFactory(ContactFactory, tenant=factory.SelfAttribute("..tenant"))
    address = factory.SelfAttribute("contact.phone")


class BroadcastTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastTransition

    broadcast = factory.SubFactory(BroadcastFactory)
    tenant = factory.SelfAttribute("broadcast.tenant")
    from_status = "draft"
    to_status = "sending"


class BroadcastFailureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastFailure

    broadcast = factory.SubFactory(BroadcastFactory)
    tenant = factory.SelfAttribute("broadcast.tenant")
    error_code = "30007"
    count = 1


class BroadcastSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BroadcastSettings

    tenant = factory.SubFactory(TenantFactory)


register_tenant_factory(Broadcast, lambda tenant: BroadcastFactory(tenant=tenant))
register_tenant_factory(
    BroadcastRecipient,
    lambda tenant: BroadcastRecipientFactory(broadcast=BroadcastFactory(tenant=tenant)),
)
register_tenant_factory(
    BroadcastTransition,
    lambda tenant: BroadcastTransitionFactory(broadcast=BroadcastFactory(tenant=tenant)),
)
register_tenant_factory(
    BroadcastFailure,
    lambda tenant: BroadcastFailureFactory(broadcast=BroadcastFactory(tenant=tenant)),
)
register_tenant_factory(
    BroadcastSettings,
    lambda tenant: BroadcastSettings.objects.get_or_create(tenant=tenant)[0],
)
