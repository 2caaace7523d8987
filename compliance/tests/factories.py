"""Factories of compliance's models, registered for the API tenancy walk."""

import factory

from compliance.models import Registration
from compliance.testing import valid_submission
from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A draft version (rows only; tests that need Twilio's side submit through the sandbox)."""

    class Meta:
        model = Registration

    tenant = factory.SubFactory(TenantFactory)
    version = factory.Sequence(lambda n: n + 1)
    status = Registration.Status.DRAFT
    snapshot = factory.LazyFunction(valid_submission)
    brand_type = "STANDARD"
    use_case = "MIXED"


register_tenant_factory(Registration, lambda tenant: RegistrationFactory(tenant=tenant))
