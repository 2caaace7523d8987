"""REST API of provisioning: customers (staff / platform key), the tenant's subaccount and
numbers, and staff actions on subaccounts and the number pool.

Views only route: scoping and roles come from the base views, validation from the
serializers, every write from a service (which audits it).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response

from isvplatform import gateway
from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import (
    MANAGE_ROLES,
    StaffAPIView,
    TenantAPIView,
    TenantListAPIView,
    TenantRetrieveAPIView,
    TenantScopedMixin,
)
from provisioning import numbers as number_services
from provisioning import services
from provisioning.emails import send_set_password_email
from provisioning.errors import ProvisioningConflict
from provisioning.models import PhoneNumber, PooledNumber, TwilioSubaccount
from provisioning.platform_keys import (
    IsStaffOrPlatformKey,
    PlatformKeyAuthentication,
    platform_actor,
)
from provisioning.reconcile import subaccount_reconcile
from provisioning.selectors import customer_details, onboarding_steps, open_subaccount, sending_mode
from provisioning.serializers import (
    CloseSerializer,
    CustomerCreatedSerializer,
    CustomerCreateSerializer,
    CustomerSerializer,
    NumberBuySerializer,
    NumberOfferSerializer,
    NumberSearchSerializer,
    OnboardingSerializer,
    PhoneNumberSerializer,
    PoolAllocateSerializer,
    PoolBuySerializer,
    PooledNumberSerializer,
    ReconcileRecordSerializer,
    StaffSubaccountSerializer,
    SuspendSerializer,
    TenantSubaccountSerializer,
)
from tenants.authentication import APIKeyAuthentication
from tenants.models import Tenant


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Twilio is not answering right now; try again shortly."
    default_code = "twilio_unavailable"


class TwilioRejected(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "twilio_rejected"


def call_service(fn, *args, **kwargs):
    """Run a service, turning its errors into the API's: conflicts 409, Twilio refusals 409
    with Twilio's code in the message, Twilio outages 503."""
    try:
        return fn(*args, **kwargs)
    except ProvisioningConflict as err:
        raise Conflict(err.message, code=err.code) from err
    except gateway.RetryableGatewayError as err:
        raise ServiceUnavailable() from err
    except gateway.GatewayError as err:
        raise TwilioRejected(str(err)) from err


def _search_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter("country", str, description="ISO country code (default US)."),
        OpenApiParameter("type", str, enum=["local", "toll_free", "mobile"]),
        OpenApiParameter("area_code", str, description="Three digits (US/CA)."),
        OpenApiParameter("contains", str, description="Digits or letters; * matches any digit."),
        OpenApiParameter("sms", bool),
        OpenApiParameter("mms", bool),
        OpenApiParameter("voice", bool),
        OpenApiParameter("limit", int, description="1 to 50 (default 20)."),
    ]


# --- customers (staff or platform key) --------------------------------------------------


class PlatformAPIView(StaffAPIView):
    """Endpoints for the platform's staff (session) or an integrator's platform key."""

    authentication_classes = [
        PlatformKeyAuthentication,
        APIKeyAuthentication,
        SessionAuthentication,
    ]
    permission_classes = [IsStaffOrPlatformKey]

    @property
    def actor(self):
        return platform_actor(self.request)


@extend_schema_view(
    get=extend_schema(
        operation_id="customers_list",
        summary="Every customer (tenant) with its owner and subaccount (staff, platform key)",
        responses={200: CustomerSerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="customers_create",
        summary="Sign a business up: owner, tenant, business profile, then provisioning",
        description="Creates the tenant, its owner and business profile, and starts "
        "provisioning its Twilio subaccount (poll `GET /subaccount` with the returned API "
        "key). Without a password the owner is emailed a link to set one.",
        request=CustomerCreateSerializer,
        responses={201: CustomerCreatedSerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=["customers"])
class CustomerListView(PlatformAPIView, generics.ListCreateAPIView):
    queryset = Tenant.objects.order_by("-created_at", "-id")
    serializer_class = CustomerSerializer

    def get_serializer_class(self):
        if self.request.method == "POST":
            return CustomerCreateSerializer
        return CustomerSerializer

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        details = customer_details([t.pk for t in page])
        data = CustomerSerializer(page, many=True, context={"details": details}).data
        return self.get_paginated_response(data)

    def create(self, request, *args, **kwargs):
        serializer = CustomerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        via = "api (staff)"
        if getattr(request.auth, "prefix", None) and not request.user.is_staff:
            via = f"api (platform key {request.auth.prefix})"
        try:
            result = services.customer_signup(
                email=data["email"],
                business_name=data["business_name"],
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password"),
                profile=data.get("profile") or {},
                area_code=data.get("area_code") or "",
                stripe_customer_id=data.get("stripe_customer_id") or "",
                create_api_key=data["create_api_key"],
                actor=self.actor,
                via=via,
            )
        except DjangoValidationError as err:
            raise exceptions.ValidationError(_prefix_profile_errors(err)) from err
        if data.get("password") is None:
            transaction.on_commit(lambda: send_set_password_email(result.user))
        details = customer_details([result.tenant.pk])
        body = CustomerCreatedSerializer(
            result.tenant, context={"details": details, "api_key": result.api_key}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


def _prefix_profile_errors(err: DjangoValidationError) -> dict:
    from tenants.services import PROFILE_EDITABLE_FIELDS

    if not hasattr(err, "error_dict"):
        return {"non_field_errors": err.messages}
    top_level = {"email", "business_name", "password", "area_code"}
    return {
        (name if name in top_level or name not in PROFILE_EDITABLE_FIELDS else f"profile.{name}"): [
            str(m) for m in errors for m in getattr(m, "messages", [m])
        ]
        for name, errors in err.error_dict.items()
    }


# --- the tenant's subaccount and onboarding ----------------------------------------------


@extend_schema(tags=["subaccount"])
class SubaccountView(TenantAPIView):
    """The tenant's subaccount (without its token) and how its messages go out."""

    @extend_schema(
        operation_id="subaccount_retrieve",
        summary="The tenant's Twilio subaccount and sending mode",
        responses={200: TenantSubaccountSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(TenantSubaccountSerializer.build(self.tenant, open_subaccount(self.tenant)))


@extend_schema(tags=["subaccount"])
class SubaccountProvisionView(TenantAPIView):
    """Start provisioning, or retry a failed one (owners and admins)."""

    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="subaccount_provision",
        summary="Provision the subaccount, or retry after a failure",
        request=None,
        responses={202: TenantSubaccountSerializer, **error_responses(409)},
    )
    def post(self, request):
        sub = call_service(services.subaccount_request, tenant=self.tenant, actor=self.actor)
        sub.refresh_from_db()
        return Response(
            TenantSubaccountSerializer.build(self.tenant, sub), status=status.HTTP_202_ACCEPTED
        )


@extend_schema(tags=["subaccount"])
class OnboardingView(TenantAPIView):
    @extend_schema(
        operation_id="onboarding_retrieve",
        summary="The onboarding checklist: profile, subaccount, number, 10DLC",
        responses={200: OnboardingSerializer, **error_responses()},
    )
    def get(self, request):
        mode = sending_mode(self.tenant)
        steps = [step.__dict__ for step in onboarding_steps(self.tenant)]
        return Response(
            OnboardingSerializer(
                {"steps": steps, "sending": {"mode": mode.mode, "message": mode.message}}
            ).data
        )


# --- numbers ------------------------------------------------------------------------------


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


# --- staff: subaccounts -------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_subaccounts_list",
        summary="Every subaccount with its status and last error (staff)",
        parameters=[OpenApiParameter("status", str, enum=TwilioSubaccount.Status.values)],
        responses={200: StaffSubaccountSerializer(many=True), **error_responses(400)},
    )
)
@extend_schema(tags=["staff"])
class StaffSubaccountListView(StaffAPIView, generics.ListAPIView):
    serializer_class = StaffSubaccountSerializer

    def get_queryset(self):
        queryset = TwilioSubaccount.objects.select_related("tenant").order_by("-created_at", "-id")
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in TwilioSubaccount.Status.values:
                raise exceptions.ValidationError({"status": "Unknown status."})
            queryset = queryset.filter(status=wanted)
        return queryset


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_subaccounts_retrieve",
        summary="One subaccount (staff)",
        responses={200: StaffSubaccountSerializer, **error_responses(404)},
    ),
    patch=extend_schema(
        operation_id="staff_subaccounts_update",
        summary="Override the tenant's number limit (staff)",
        request=StaffSubaccountSerializer,
        responses={200: StaffSubaccountSerializer, **error_responses(400, 404)},
    ),
)
@extend_schema(tags=["staff"])
class StaffSubaccountDetailView(StaffAPIView, generics.RetrieveAPIView):
    queryset = TwilioSubaccount.objects.select_related("tenant")
    serializer_class = StaffSubaccountSerializer
    lookup_url_kwarg = "id"

    def patch(self, request, id):
        sub = self.get_object()
        serializer = StaffSubaccountSerializer(sub, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "number_limit" in serializer.validated_data:
            sub = services.subaccount_set_number_limit(
                subaccount=sub,
                limit=serializer.validated_data["number_limit"],
                actor=self.actor,
            )
        return Response(StaffSubaccountSerializer(sub).data)


class _StaffSubaccountActionView(StaffAPIView, generics.GenericAPIView):
    queryset = TwilioSubaccount.objects.select_related("tenant")
    serializer_class = StaffSubaccountSerializer
    lookup_url_kwarg = "id"

    def respond(self, sub: TwilioSubaccount, code: int = status.HTTP_200_OK) -> Response:
        sub.refresh_from_db()
        return Response(StaffSubaccountSerializer(sub).data, status=code)


def _staff_action(operation_id: str, summary: str, request=None, code: int = 200):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            request=request,
            responses={code: StaffSubaccountSerializer, **error_responses(400, 404, 409)},
            tags=["staff"],
        )
    )


@_staff_action("staff_subaccounts_provision", "Provision or retry provisioning (staff)", code=202)
class StaffSubaccountProvisionView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = self.get_object()
        if sub.status == TwilioSubaccount.Status.CLOSED:
            raise Conflict("This subaccount is closed; provision a new one for the tenant.")
        sub = call_service(services.subaccount_request, tenant=sub.tenant, actor=self.actor)
        return self.respond(sub, status.HTTP_202_ACCEPTED)


@_staff_action(
    "staff_subaccounts_suspend", "Suspend the subaccount in Twilio (staff)", SuspendSerializer
)
class StaffSubaccountSuspendView(_StaffSubaccountActionView):
    def post(self, request, id):
        body = SuspendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sub = call_service(
            services.subaccount_suspend,
            subaccount=self.get_object(),
            actor=self.actor,
            reason=body.validated_data.get("reason", ""),
        )
        return self.respond(sub)


@_staff_action("staff_subaccounts_reactivate", "Reactivate a suspended subaccount (staff)")
class StaffSubaccountReactivateView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = call_service(
            services.subaccount_reactivate, subaccount=self.get_object(), actor=self.actor
        )
        return self.respond(sub)


@_staff_action(
    "staff_subaccounts_close",
    "Close for good: releases every number, then closes the Twilio account (staff)",
    CloseSerializer,
)
class StaffSubaccountCloseView(_StaffSubaccountActionView):
    def post(self, request, id):
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sub = call_service(
            services.subaccount_close,
            subaccount=self.get_object(),
            actor=self.actor,
            confirmed=True,
        )
        return self.respond(sub)


@_staff_action("staff_subaccounts_rotate_token", "Rotate the subaccount's auth token (staff)")
class StaffSubaccountRotateTokenView(_StaffSubaccountActionView):
    def post(self, request, id):
        sub = call_service(
            services.subaccount_rotate_token, subaccount=self.get_object(), actor=self.actor
        )
        return self.respond(sub)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_subaccounts_reconcile",
        summary="Compare with Twilio now and fix differences (staff)",
        request=None,
        responses={200: ReconcileRecordSerializer(many=True), **error_responses(404, 409)},
        tags=["staff"],
    )
)
class StaffSubaccountReconcileView(_StaffSubaccountActionView):
    def post(self, request, id):
        records = call_service(subaccount_reconcile, subaccount=self.get_object())
        return Response(ReconcileRecordSerializer(records, many=True).data)


# --- staff: the number pool ---------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_pool_list",
        summary="Numbers in the master account's pool (staff)",
        responses={200: PooledNumberSerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="staff_pool_buy",
        summary="Buy a number into the pool (staff)",
        request=PoolBuySerializer,
        responses={201: PooledNumberSerializer, **error_responses(400, 409)},
    ),
)
@extend_schema(tags=["staff"])
class StaffPoolListView(StaffAPIView, generics.ListAPIView):
    queryset = PooledNumber.objects.order_by("-created_at", "-id")
    serializer_class = PooledNumberSerializer

    def post(self, request):
        body = PoolBuySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        pooled = call_service(
            number_services.pool_buy,
            actor=self.actor,
            phone_number=body.validated_data.get("phone_number"),
            area_code=body.validated_data.get("area_code"),
            friendly_name=body.validated_data.get("friendly_name", ""),
        )
        return Response(PooledNumberSerializer(pooled).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_pool_allocate",
        summary="Move a pool number into a tenant's subaccount (staff)",
        request=PoolAllocateSerializer,
        responses={201: PhoneNumberSerializer, **error_responses(400, 404, 409)},
    )
)
@extend_schema(tags=["staff"])
class StaffPoolAllocateView(StaffAPIView, generics.GenericAPIView):
    queryset = PooledNumber.objects.all()
    serializer_class = PooledNumberSerializer
    lookup_url_kwarg = "id"

    def post(self, request, id):
        pooled = self.get_object()
        body = PoolAllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        tenant = Tenant.objects.filter(pk=body.validated_data["tenant"]).first()
        if tenant is None:
            raise exceptions.ValidationError({"tenant": "No such tenant."})
        number = call_service(
            number_services.pool_allocate, pooled=pooled, tenant=tenant, actor=self.actor
        )
        return Response(PhoneNumberSerializer(number).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_pool_release",
        summary="Give an unallocated pool number back to Twilio (staff)",
        request=None,
        responses={200: PooledNumberSerializer, **error_responses(404, 409)},
    )
)
@extend_schema(tags=["staff"])
class StaffPoolReleaseView(StaffAPIView, generics.GenericAPIView):
    queryset = PooledNumber.objects.all()
    serializer_class = PooledNumberSerializer
    lookup_url_kwarg = "id"

    def post(self, request, id):
        pooled = call_service(
            number_services.pool_release, pooled=self.get_object(), actor=self.actor
        )
        return Response(PooledNumberSerializer(pooled).data)
