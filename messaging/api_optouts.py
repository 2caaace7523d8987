"""REST API of messaging's opt-outs and the consent ledger (list, add, remove, import,
export). Views route only, as in `messaging.api`."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from isvplatform.api.parsers import JSONParser
from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView, TenantScopedMixin
from messaging import csvio
from messaging.models import (
    Channel,
    ConsentEvent,
    OptOut,
)
from messaging.selectors import (
    filter_consent,
    filter_optouts,
    tenant_optouts,
)
from messaging.serializers import (
    ConsentEventSerializer,
    ImportResultSerializer,
    OptOutCreateSerializer,
    OptOutImportSerializer,
    OptOutSerializer,
)
from messaging.services import (
    optout_add,
    optout_import,
    optout_remove,
)

# --- opt-outs ---------------------------------------------------------------------------


@extend_schema(tags=["opt-outs"])
class OptOutListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """The suppression list; adding a number here stops every send to it at once. On
    channel email it holds addresses (hard bounces, complaints, unsubscribes)."""

    model = OptOut
    serializer_class = OptOutSerializer

    def tenant_queryset(self, queryset):
        params = self.request.query_params
        return filter_optouts(queryset, params.get("q", ""), params.get("channel", ""))

    @extend_schema(
        operation_id="optouts_list",
        summary="Opted-out numbers",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Digits of the number, or part of an address."
            ),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
        ],
        responses={200: OptOutSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="optouts_create",
        summary="Add a number to the opt-out list",
        request=OptOutCreateSerializer,
        responses={
            201: OptOutSerializer,
            200: OpenApiResponse(OptOutSerializer, description="Already opted out."),
            **error_responses(400),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = OptOutCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        optout, created = optout_add(
            tenant=self.tenant,
            number=data["number"],
            channel=data["channel"],
            source=OptOut.Source.MANUAL,
            reason=data.get("reason", ""),
            actor=self.actor,
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(OptOutSerializer(optout).data, status=code)


@extend_schema(tags=["opt-outs"])
class OptOutDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveDestroyAPIView):
    model = OptOut
    serializer_class = OptOutSerializer
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="optouts_retrieve",
        summary="One opted-out number",
        responses={200: OptOutSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="optouts_destroy",
        summary="Remove a number from the opt-out list",
        description="Only with the contact's renewed consent; the opt-in is kept in the "
        "consent ledger.",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance: OptOut) -> None:
        optout_remove(
            tenant=self.tenant,
            number=instance.number,
            channel=instance.channel,
            source=OptOut.Source.MANUAL,
            actor=self.actor,
            reason=self.request.query_params.get("reason", "")[:500],
        )


@extend_schema(tags=["opt-outs"])
class OptOutImportView(TenantAPIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="optouts_import",
        summary="Import opt-outs from CSV",
        request={"multipart/form-data": OptOutImportSerializer},
        responses={200: ImportResultSerializer, **error_responses(400)},
    )
    def post(self, request):
        serializer = OptOutImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = optout_import(
            tenant=self.tenant, rows=serializer.validated_data["rows"], actor=self.actor
        )
        return Response(
            {
                "added": result.added,
                "already": result.already,
                "errors": [{"line": line, "error": error} for line, error in result.errors[:100]],
            }
        )


@extend_schema(tags=["opt-outs"])
class OptOutExportView(TenantAPIView):
    @extend_schema(
        operation_id="optouts_export",
        summary="Export opt-outs as CSV",
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses()},
    )
    def get(self, request):
        rows = (csvio.optout_row(o) for o in tenant_optouts(self.tenant).iterator(2000))
        return csvio.stream_csv("opt-outs.csv", csvio.OPTOUT_HEADER, rows)


@extend_schema(tags=["opt-outs"])
class ConsentEventListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """The append-only consent ledger: every opt-out and opt-in, newest first."""

    model = ConsentEvent
    serializer_class = ConsentEventSerializer

    def tenant_queryset(self, queryset):
        return filter_consent(queryset, self.request.query_params.get("number", ""))

    @extend_schema(
        operation_id="consent_events_list",
        summary="Consent ledger",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR)],
        responses={200: ConsentEventSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
