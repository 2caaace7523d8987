"""Factories of the two-factor rule and devices; the rule is registered for the tenancy walk."""

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from isvplatform.testing.tenancy import register_tenant_factory
from tenants.tests.factories import TenantFactory, UserFactory
from twofactor.models import TenantSecurityPolicy
from twofactor.selectors import TOTP_DEVICE_NAME


class TenantSecurityPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenantSecurityPolicy

    tenant = factory.SubFactory(TenantFactory)
    require_two_factor = False


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = TOTP_DEVICE_NAME
    confirmed = True


register_tenant_factory(
    TenantSecurityPolicy, lambda tenant: TenantSecurityPolicyFactory(tenant=tenant)
)
