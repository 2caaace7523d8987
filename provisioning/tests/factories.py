"""Factories of provisioning's models, registered for the API tenancy walk.

These rows exist only in the platform's tables; tests that need Twilio's side too provision
through the sandbox (see `conftest.py`).
"""

import factory

from isvplatform.testing.tenancy import register_tenant_factory
from provisioning.models import (
    MessagingService,
    PhoneNumber,
    PooledNumber,
    TwilioSubaccount,
)
from provisioning.selectors import open_subaccount
from tenants.tests.factories import TenantFactory


class SubaccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TwilioSubaccount

    tenant = factory.SubFactory(TenantFactory)
    friendly_name = factory.LazyAttribute(lambda o: f"{o.tenant.name} [tenant {o.tenant.pk}]")
    sid = factory.Sequence(lambda n: f"AC{n:032x}")
    auth_token = factory.Sequence(lambda n: f"{n:032x}")
    status = TwilioSubaccount.Status.ACTIVE


def _subaccount_of(tenant) -> TwilioSubaccount:
    return open_subaccount(tenant) or SubaccountFactory(tenant=tenant)


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    tenant = factory.SubFactory(TenantFactory)
    subaccount = factory.LazyAttribute(lambda o: _subaccount_of(o.tenant))
    phone_number = factory.Sequence(lambda n: f"+1415555{n % 10000:04d}")
    sid = factory.Sequence(lambda n: f"PN{n:032x}")
    status = PhoneNumber.Status.ACTIVE


class PooledNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PooledNumber

    phone_number = factory.Sequence(lambda n: f"+1628555{n % 10000:04d}")
    sid = factory.Sequence(lambda n: f"PN{n + 50000:032x}")


class MessagingServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessagingService

    tenant = factory.SubFactory(TenantFactory)
    subaccount = factory.LazyAttribute(lambda o: _subaccount_of(o.tenant))
    sid = factory.Sequence(lambda n: f"MG{n:032x}")
    friendly_name = factory.Sequence(lambda n: f"Service {n}")


register_tenant_factory(TwilioSubaccount, lambda tenant: _subaccount_of(tenant))
register_tenant_factory(PhoneNumber, lambda tenant: PhoneNumberFactory(tenant=tenant))
register_tenant_factory(MessagingService, lambda tenant: MessagingServiceFactory(tenant=tenant))
# Pool numbers belong to the vendor, not to a tenant; staff routes still need one to act on.
register_tenant_factory(PooledNumber, lambda tenant: PooledNumberFactory())
