"""Factories of the privacy records, registered for the API tenancy walk."""

import factory

from isvplatform.testing.tenancy import register_tenant_factory
from privacy.models import DataExport, ErasureRequest, SubjectKind, SuppressionHash
from tenants.tests.factories import TenantFactory


class ErasureRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErasureRequest

    tenant = factory.SubFactory(TenantFactory)
    subject_kind = SubjectKind.PHONE
    subject_hash = factory.Sequence(lambda n: f"{n:064x}")
    subject_hint = "+1•••23"
    status = ErasureRequest.Status.DONE


class DataExportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataExport

    tenant = factory.SubFactory(TenantFactory)
    status = DataExport.Status.FAILED
    error = "test"


class SuppressionHashFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuppressionHash

    tenant = factory.SubFactory(TenantFactory)
    digest = factory.Sequence(lambda n: f"{n:064x}")
    key_id = "k1"
    channel = "sms"


register_tenant_factory(ErasureRequest, lambda tenant: ErasureRequestFactory(tenant=tenant))
register_tenant_factory(DataExport, lambda tenant: DataExportFactory(tenant=tenant))
register_tenant_factory(SuppressionHash, lambda tenant: SuppressionHashFactory(tenant=tenant))
