"""Factories of the retention policy, registered for the API tenancy walk."""

import factory

from isvplatform.testing.tenancy import register_tenant_factory
from retention.models import RetentionPolicy
from tenants.tests.factories import TenantFactory


class RetentionPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionPolicy

    tenant = factory.SubFactory(TenantFactory)
    event_days = 30
    body_days = 30


register_tenant_factory(RetentionPolicy, lambda tenant: RetentionPolicyFactory(tenant=tenant))
