"""Reading a tenant's erasures and exports, always within the tenant (404 otherwise)."""

from django.core.exceptions import ValidationError
from django.http import Http404

from privacy.models import DataExport, ErasureRequest
from tenants.models import Tenant


def _get(model, tenant: Tenant, pk: object):
    try:
        found = model.objects.for_tenant(tenant).filter(pk=pk).first()
    except (ValidationError, ValueError):
        found = None
    if found is None:
        raise Http404(f"No such {model._meta.verbose_name}.")
    return found


def erasure_for_tenant(tenant: Tenant, erasure_id: object) -> ErasureRequest:
    return _get(ErasureRequest, tenant, erasure_id)


def export_for_tenant(tenant: Tenant, export_id: object) -> DataExport:
    return _get(DataExport, tenant, export_id)


def erasure_list(tenant: Tenant):
    return ErasureRequest.objects.for_tenant(tenant).select_related("requested_by")


def export_list(tenant: Tenant):
    return DataExport.objects.for_tenant(tenant).select_related("requested_by")
