"""Customers (staff or an integrator's platform key), and the tenant's own subaccount and
onboarding checklist."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import (
    MANAGE_ROLES,
    StaffAPIView,
    TenantAPIView,
)
from provisioning import services
from provisioning.accounts import sending_mode
from provisioning.api.common import call_service
from provisioning.emails import send_set_password_email
from provisioning.platform_keys import (
    IsStaffOrPlatformKey,
    PlatformKeyAuthentication,
    platform_actor,
)
from provisioning.selectors import customer_details, onboarding_steps, open_subaccount
from provisioning.serializers import (
    CustomerCreatedSerializer,
    CustomerCreateSerializer,
    CustomerSerializer,
    OnboardingSerializer,
    TenantSubaccountSerializer,
)
from provisioning.signup import customer_signup
from tenants.authentication import APIKeyAuthentication
from tenants.models import Tenant
from tenants.services import PROFILE_EDITABLE_FIELDS


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
            result = customer_signup(
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
    if not hasattr(err, "error_dict"):
        return {"non_field_errors": err.messages}
    top_level = {"email", "business_name", "password", "area_code"}
    return {
        (name if name in top_level or name not in PROFILE_EDITABLE_FIELDS else f"profile.{name}"): [
            str(m) for m in errors for m in getattr(m, "messages", [m])
        ]
        for name, errors in err.error_dict.items()
    }


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
