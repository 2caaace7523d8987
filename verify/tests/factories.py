"""Factories of verify's models, registered for the API tenancy walk."""

from datetime import timedelta

import factory
from django.utils import timezone

from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory
from verify.models import VerificationAttempt, VerificationCheck, VerifyService, WidgetToken


class VerifyServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerifyService
        django_get_or_create = ("tenant",)

    tenant = factory.SubFactory(TenantFactory)
    brand_name = "Acme"
    enabled = True
    status = VerifyService.Status.ACTIVE
    twilio_sid = factory.Sequence(lambda n: f"VA{n:032x}")


class VerificationAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationAttempt

    tenant = factory.SubFactory(TenantFactory)
    service = factory.LazyAttribute(lambda o: VerifyServiceFactory(tenant=o.tenant))
    to = factory.Sequence(lambda n: f"+1628555{n % 10000:04d}")
    channel = "sms"
    country = "US"
    twilio_sid = factory.Sequence(lambda n: f"VE{n:032x}")
    created_at = factory.LazyFunction(timezone.now)


class VerificationCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationCheck

    tenant = factory.SubFactory(TenantFactory)
    attempt = factory.LazyAttribute(lambda o: VerificationAttemptFactory(tenant=o.tenant))
    result = VerificationCheck.Result.WRONG_CODE
    created_at = factory.LazyFunction(timezone.now)


register_tenant_factory(VerifyService, lambda tenant: VerifyServiceFactory(tenant=tenant))
register_tenant_factory(
    VerificationAttempt, lambda tenant: VerificationAttemptFactory(tenant=tenant)
)
register_tenant_factory(VerificationCheck, lambda tenant: VerificationCheckFactory(tenant=tenant))


class WidgetTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WidgetToken

    tenant = factory.SubFactory(TenantFactory)
    attempt = factory.LazyAttribute(
        lambda o: VerificationAttemptFactory(tenant=o.tenant, status="approved")
    )
    phone = factory.LazyAttribute(lambda o: o.attempt.to)
    issued_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=10))


register_tenant_factory(WidgetToken, lambda tenant: WidgetTokenFactory(tenant=tenant))
