"""Factories of contacts, custom fields, imports and audiences, registered for the API
tenancy walk."""

import factory
from django.core.files.base import ContentFile

from contacts.models import Audience, AudienceMember, Contact, ContactField, ContactImport
from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory


class ContactFactory(factory.django.DjangoModelFactory):
    """A US contact with a valid, distinct number (Tampa area code, so FL rules apply)."""

    class Meta:
        model = Contact

    tenant = factory.SubFactory(TenantFactory)
    first_name = factory.Sequence(lambda n: f"Ana{n}")
    last_name = "Silva"
    phone = factory.Sequence(lambda n: f"+1813555{n % 10000:04d}")
    time_zone = "America/New_York"
    region = "US-FL"
    country = "US"


class ContactFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactField

    tenant = factory.SubFactory(TenantFactory)
    key = factory.Sequence(lambda n: f"field_{n}")
    label = factory.Sequence(lambda n: f"Field {n}")


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Audience {n}")
    kind = Audience.Kind.FILTER
    filter = factory.LazyFunction(dict)


class AudienceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceMember

    audience = factory.SubFactory(AudienceFactory, kind=Audience.Kind.STATIC)
    tenant = factory.SelfAttribute("audience.tenant")
    contact = factory.SubFactory(ContactFactory, tenant=factory.SelfAttribute("..tenant"))


class ContactImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactImport

    tenant = factory.SubFactory(TenantFactory)
    original_name = "contacts.csv"
    file = factory.LazyFunction(
        lambda: ContentFile(b"phone,first_name\n+18135550100,Ana\n", name="contacts.csv")
    )
    size = 34


register_tenant_factory(Contact, lambda tenant: ContactFactory(tenant=tenant))
register_tenant_factory(ContactField, lambda tenant: ContactFieldFactory(tenant=tenant))
register_tenant_factory(Audience, lambda tenant: AudienceFactory(tenant=tenant))
register_tenant_factory(
    AudienceMember,
    lambda tenant: AudienceMemberFactory(audience=AudienceFactory(tenant=tenant, kind="static")),
)
register_tenant_factory(ContactImport, lambda tenant: ContactImportFactory(tenant=tenant))
