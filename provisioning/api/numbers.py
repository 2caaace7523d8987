"""The tenant's phone numbers: list, search, buy, primary, release."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import (
    MANAGE_ROLES,
    TenantAPIView,
    TenantListAPIView,
    TenantRetrieveAPIView,
    TenantScopedMixin,
)
from provisioning import numbers as number_services
from provisioning.api.common import call_service
from provisioning.models import PhoneNumber
from provisioning.serializers import (
    NumberBuySerializer,
    NumberOfferSerializer,
    NumberSearchSerializer,
    PhoneNumberSerializer,
)


def _search_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("country", str, description="ISO country code (default US)."),
        OpenApiParameter("type", str, enum=["local", "toll_free", "mobile"]),
        OpenApiParameter("area_code", str, description="Three digits (US/CA)."),
        OpenApiParameter("contains", str, description="Digits or letters; * matches any digit."),
        OpenApiParameter("region", str, description="Two-letter state or province (US/CA)."),
        OpenApiParameter("postal_code", str, description="ZIP or postal code (US/CA)."),
        OpenApiParameter("sms", bool),
        OpenApiParameter("mms", bool),
        OpenApiParameter("voice", bool),
        OpenApiParameter("limit", int, description="1 to 50 (default 20)."),
    ]


class _NumberScope:
    model = PhoneNumber
    serializer_class = PhoneNumberSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.select_related("messaging_service")


@extend_schema_view(
    get=extend_schema(
        operation_id="numbers_list",
        summary="The tenant's numbers (active first; released ones are kept as history)",
        parameters=[OpenApiParameter("status", str, enum=["active", "released"])],
        responses={200: PhoneNumberSerializer(many=True), **error_responses(400)},
    ),
    post=extend_schema(
        operation_id="numbers_buy",
        summary="Buy a number into the tenant's subaccount, webhooks configured",
        request=NumberBuySerializer,
        responses={201: PhoneNumberSerializer, **error_responses(400, 409)},
    ),
)
@extend_schema(tags=["numbers"])
class NumberListView(_NumberScope, TenantListAPIView):
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        queryset = super().tenant_queryset(queryset)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in PhoneNumber.Status.values:
                raise exceptions.ValidationError({"status": "Choose active or released."})
            queryset = queryset.filter(status=wanted)
        return queryset

    def post(self, request):
        serializer = NumberBuySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        number = call_service(
            number_services.number_buy,
            tenant=self.tenant,
            actor=self.actor,
            phone_number=serializer.validated_data.get("phone_number"),
            area_code=serializer.validated_data.get("area_code"),
            friendly_name=serializer.validated_data.get("friendly_name", ""),
        )
        return Response(PhoneNumberSerializer(number).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["numbers"])
class NumberSearchView(TenantAPIView):
    @extend_schema(
        operation_id="numbers_search",
        summary="Numbers available to buy, with their monthly price",
        parameters=_search_parameters(),
        responses={200: NumberOfferSerializer(many=True), **error_responses(400, 409)},
    )
    def get(self, request):
        query = NumberSearchSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        offers = call_service(
            number_services.number_search,
            tenant=self.tenant,
            country=data["country"],
            number_type=data["type"],
            area_code=data.get("area_code"),
            contains=data.get("contains", ""),
            region=data.get("region", ""),
            postal_code=data.get("postal_code", ""),
            sms=data["sms"],
            mms=data["mms"],
            voice=data["voice"],
            limit=data["limit"],
        )
        return Response(NumberOfferSerializer(offers, many=True).data)


@extend_schema_view(
    get=extend_schema(
        operation_id="numbers_retrieve",
        summary="One of the tenant's numbers",
        responses={200: PhoneNumberSerializer, **error_responses(404)},
    )
)
@extend_schema(tags=["numbers"])
class NumberDetailView(_NumberScope, TenantRetrieveAPIView):
    pass


class _NumberActionView(_NumberScope, TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    """POST on one of the tenant's numbers; another tenant's id is a 404."""


@extend_schema_view(
    post=extend_schema(
        operation_id="numbers_set_primary",
        summary="Make this the tenant's primary number",
        request=None,
        responses={200: PhoneNumberSerializer, **error_responses(404, 409)},
    )
)
@extend_schema(tags=["numbers"])
class NumberPrimaryView(_NumberActionView):
    def post(self, request, id):
        number = call_service(
            number_services.number_set_primary, number=self.get_object(), actor=self.actor
        )
        return Response(PhoneNumberSerializer(number).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="numbers_release",
        summary="Release the number (detached and deleted in Twilio; kept here as history)",
        request=None,
        responses={200: PhoneNumberSerializer, **error_responses(404, 409)},
    )
)
@extend_schema(tags=["numbers"])
class NumberReleaseView(_NumberActionView):
    write_roles = MANAGE_ROLES

    def post(self, request, id):
        number = call_service(
            number_services.number_release, number=self.get_object(), actor=self.actor
        )
        return Response(PhoneNumberSerializer(number).data)
