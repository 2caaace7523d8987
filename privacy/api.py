"""REST API of the privacy jobs: forget a person (/privacy/erasures) and the tenant's full
data export (/privacy/exports, with its download). Every member reads the lists (masked
addresses, counts, progress); only owners and admins (or a write key) start a job or
download an export, which reach every person's data."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from privacy.models import DataExport, ErasureRequest
from privacy.serializers import DataExportSerializer, ErasureCreateSerializer, ErasureSerializer
from privacy.services import erasure_request, export_downloaded, export_request

TAGS = ["privacy"]


class ManagerOnly:
    """A download reaches every person's data: owners and admins (or a write key) only."""

    write_roles = MANAGE_ROLES

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.role not in MANAGE_ROLES:
            self.permission_denied(request, message="Only owners and admins see privacy jobs.")


class ErasureListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = ErasureRequest
    serializer_class = ErasureSerializer
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="privacy_erasures_list",
        tags=TAGS,
        summary="Your erasure requests, newest first",
        responses={200: ErasureSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="privacy_erasures_create",
        tags=TAGS,
        summary="Forget a person",
        description="Give `phone` (E.164) or `email`. A background job erases or anonymises "
        "the person's messages, media, conversations, contact, broadcast recipients, consent "
        "events, verifications and raw webhook events in this tenant only. Their opt-outs "
        "survive as a keyed hash, so they are still never messaged. An open request for the "
        "same person is answered instead of a new one. Audited. Owners and admins.",
        request=ErasureCreateSerializer,
        responses={202: ErasureSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = ErasureCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        erasure = erasure_request(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(ErasureSerializer(erasure).data, status=status.HTTP_202_ACCEPTED)


class ErasureDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = ErasureRequest
    serializer_class = ErasureSerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="privacy_erasures_retrieve",
        tags=TAGS,
        summary="An erasure request and its progress",
        responses={200: ErasureSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExportListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = DataExport
    serializer_class = DataExportSerializer
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="privacy_exports_list",
        tags=TAGS,
        summary="Your data exports, newest first",
        responses={200: DataExportSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="privacy_exports_create",
        tags=TAGS,
        summary="Export all your data",
        description="A background job writes a ZIP with one JSON-lines file per table (the "
        "tenant, its members, numbers, messages, contacts, consent, templates, broadcasts, "
        "emails, verifications, usage and statements, the audit log, webhook settings). "
        "Secrets and password hashes are left out. An export still being written is "
        "answered instead of a new one. Owners and admins.",
        request=None,
        responses={202: DataExportSerializer, **error_responses()},
    )
    def post(self, request, *args, **kwargs):
        export = export_request(tenant=self.tenant, actor=self.actor)
        return Response(DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = DataExport
    serializer_class = DataExportSerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="privacy_exports_retrieve",
        tags=TAGS,
        summary="A data export and its progress",
        responses={200: DataExportSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ExportDownloadView(ManagerOnly, TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = DataExport
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="privacy_exports_download",
        tags=TAGS,
        summary="Download a data export (ZIP)",
        description="Only while the export is ready and not expired; 404 otherwise. Audited.",
        responses={(200, "application/zip"): OpenApiTypes.BINARY, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return export_file_response(self.get_object(), self.actor)


def export_file_response(export: DataExport, actor) -> FileResponse:
    """The ZIP as an attachment (portal and API share it); 404 unless downloadable."""
    if not export.is_downloadable:
        raise Http404("This export is not ready, or it expired.")
    export_downloaded(export=export, actor=actor)
    name = f"data-export-{export.created_at:%Y%m%d-%H%M}.zip"
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=name, content_type="application/zip"
    )
