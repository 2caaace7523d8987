"""REST API of CSV contact imports (/api/v1/contacts/import): upload with a dry run or
straight into a background job, its progress, its errors CSV, start and cancel."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from contacts import exports
from contacts.models import ContactImport
from contacts.serializers import (
    ImportOptionsSerializer,
    ImportPreviewSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)
from contacts.services import (
    ImportConflict,
    import_cancel,
    import_preview,
    import_start,
    import_upload,
)
from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin

TAGS = ["contacts"]


@contextmanager
def conflicts_as_409() -> Iterator[None]:
    try:
        yield
    except ImportConflict as err:
        raise Conflict(str(err)) from err


def upload_options(data: dict) -> dict:
    """The multipart form's options as the services take them (mapping is JSON text)."""
    options: dict = {}
    raw_mapping = data.get("mapping") or ""
    if raw_mapping:
        try:
            options["mapping"] = json.loads(raw_mapping)
        except (ValueError, RecursionError) as err:
            raise ValidationError({"mapping": ["Give the mapping as a JSON object."]}) from err
    channels = data.get("consent_channels") or ""
    if channels:
        options["consent_channels"] = [c.strip() for c in channels.split(",") if c.strip()]
    for name in ("consent_source", "add_tags"):
        if name in data:
            options[name] = data[name]
    return options


class ImportListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = ContactImport
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="contact_imports_list",
        tags=TAGS,
        summary="Your contact imports, newest first",
        responses={200: ImportSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="contact_imports_create",
        tags=TAGS,
        summary="Import contacts from a CSV",
        description="Upload a UTF-8 CSV (the first row names the columns). With "
        "`dry_run=true` the file is stored and checked: 200 with the first rows parsed, their "
        "errors, and how many contacts would be created or updated; start it with "
        "/contacts/import/{id}/start. Otherwise the import runs as a background job: 202, "
        "follow it at /contacts/import/{id}. Contacts are matched by E.164 phone. Importing "
        "opt-ins (`consent_channels`) requires `consent_source`.",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportPreviewSerializer,
            202: ImportSerializer,
            **error_responses(400),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = ImportUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        options = upload_options(request.data)
        job = import_upload(
            tenant=self.tenant, actor=self.actor, upload=serializer.validated_data["file"]
        )
        if serializer.validated_data["dry_run"]:
            preview = import_preview(job=job, data=options)
            return Response(ImportPreviewSerializer({"job": job, "preview": preview}).data)
        job = import_start(job=job, actor=self.actor, data=options)
        return Response(ImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = ContactImport
    serializer_class = ImportSerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="contact_imports_retrieve",
        tags=TAGS,
        summary="An import's status and progress",
        responses={200: ImportSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _ImportActionView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = ContactImport
    serializer_class = ImportSerializer
    lookup_url_kwarg = "id"


class ImportStartView(_ImportActionView):
    @extend_schema(
        operation_id="contact_imports_start",
        tags=TAGS,
        summary="Start an uploaded import",
        description="With the options given (or those of the upload): 202, the job runs in "
        "the background. 409 once started.",
        request=ImportOptionsSerializer,
        responses={202: ImportSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, *args, **kwargs):
        job = self.get_object()
        serializer = ImportOptionsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with conflicts_as_409():
            job = import_start(job=job, actor=self.actor, data=serializer.validated_data)
        return Response(ImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportCancelView(_ImportActionView):
    @extend_schema(
        operation_id="contact_imports_cancel",
        tags=TAGS,
        summary="Stop an import",
        description="Rows already imported stay. 409 when it has finished.",
        request=None,
        responses={200: ImportSerializer, **error_responses(404, 409)},
    )
    def post(self, request, *args, **kwargs):
        with conflicts_as_409():
            job = import_cancel(job=self.get_object(), actor=self.actor)
        return Response(ImportSerializer(job).data)


class ImportErrorsView(_ImportActionView):
    @extend_schema(
        operation_id="contact_imports_errors",
        tags=TAGS,
        summary="The rows an import refused, as CSV",
        description="Columns: row (as a spreadsheet numbers it; the header is row 1), column, "
        "value, message.",
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return exports.import_errors_csv(self.get_object())
