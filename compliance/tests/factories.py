"""Factories of compliance's models, registered for the API tenancy walk."""

import factory

from compliance.models import Registration, ReviewStatus, TollFreeVerification
from compliance.testing import valid_submission
from isvplatform.testing.tenancy import register_tenant_factory
from provisioning.models import PhoneNumber
from provisioning.tests.factories import PhoneNumberFactory
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


class TollFreeVerificationFactory(factory.django.DjangoModelFactory):
    """A version's rows only (tests of Twilio's side verify through the sandbox)."""

    class Meta:
        model = TollFreeVerification

    tenant = factory.SubFactory(TenantFactory)
    phone_number = factory.LazyAttribute(
        lambda o: PhoneNumberFactory(
            tenant=o.tenant,
            phone_number=f"+1833555{PhoneNumber.objects.count() % 10000:04d}",
            number_type=PhoneNumber.NumberType.TOLL_FREE,
        )
    )
    version = 1
    status = ReviewStatus.SUBMITTED
    sid = factory.Sequence(lambda n: f"HH{n:032x}")
    snapshot = factory.LazyFunction(dict)


register_tenant_factory(
    TollFreeVerification, lambda tenant: TollFreeVerificationFactory(tenant=tenant)
)
