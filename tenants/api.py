"""REST API of tenants: the current tenant, its profile, people and API keys; staff tenants.

Views only route: tenant scoping and roles come from the base views, validation from the
serializers, and every write from a service (which writes the audit row).
"""

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, StaffAPIView, TenantAPIView, TenantScopedMixin
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant
from tenants.selectors import AuditFilters, filter_audit_events
from tenants.serializers import (
    APIKeyCreateSerializer,
    APIKeySerializer,
    AuditEventFilterSerializer,
    AuditEventSerializer,
    BusinessProfileSerializer,
    CreatedAPIKeySerializer,
    CurrentTenantSerializer,
    MemberInviteSerializer,
    MembershipSerializer,
    StaffTenantCreateSerializer,
    StaffTenantSerializer,
    StaffTenantSuspendSerializer,
)
from tenants.services import api_key_revoke, member_remove, tenant_set_status

OWNER = Membership.Role.OWNER


def _only_owners_touch_owners(view: TenantAPIView, *roles: str | None) -> None:
    """An admin (or API key) manages people but can't grant, change or remove ownership."""
    if OWNER in roles and view.role != OWNER:
        raise exceptions.PermissionDenied(
            "Only an owner can grant, change or remove the owner role."
        )


# --- current tenant ---------------------------------------------------------------------


class CurrentTenantView(TenantAPIView):
    """The tenant of the session or API key, and the caller's role."""

    @extend_schema(
        operation_id="tenant_retrieve",
        tags=["tenant"],
        summary="The tenant this request acts for, and your role in it",
        responses={200: CurrentTenantSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(CurrentTenantSerializer(self.tenant, context={"role": self.role}).data)


# --- business profile -------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="business_profile_retrieve",
        summary="The tenant's business profile",
        responses={200: BusinessProfileSerializer, **error_responses()},
    ),
    put=extend_schema(
        operation_id="business_profile_update",
        summary="Update the business profile",
        description="Fields left out keep their value. Any change sends a verified or "
        "rejected profile back to `pending` review. Phone numbers are stored in E.164.",
        responses={200: BusinessProfileSerializer, **error_responses(400)},
    ),
    patch=extend_schema(
        operation_id="business_profile_partial_update",
        summary="Update some fields of the business profile",
        responses={200: BusinessProfileSerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=["business profile"])
class BusinessProfileView(TenantScopedMixin, TenantAPIView, generics.RetrieveUpdateAPIView):
    """The tenant's one business profile; viewers read it, others may edit it."""

    model = BusinessProfile
    serializer_class = BusinessProfileSerializer

    def get_object(self) -> BusinessProfile:
        profile = generics.get_object_or_404(self.get_queryset())
        self.check_object_permissions(self.request, profile)
        return profile


# --- members ----------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="members_list",
        summary="People of the tenant",
        responses={200: MembershipSerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="members_create",
        summary="Invite a person",
        description="Adds the person with this email (creating their account if new). "
        "Owners and admins only; only an owner can invite another owner.",
        request=MemberInviteSerializer,
        responses={201: MembershipSerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=["members"])
class MemberListView(TenantScopedMixin, TenantAPIView, generics.ListCreateAPIView):
    """People of the tenant; owners and admins invite."""

    model = Membership
    write_roles = MANAGE_ROLES
    serializer_class = MembershipSerializer

    def tenant_queryset(self, queryset):
        return queryset.select_related("user")

    def get_serializer_class(self):
        if self.request.method == "POST":
            return MemberInviteSerializer
        return MembershipSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _only_owners_touch_owners(self, serializer.validated_data["role"])
        membership = serializer.save()
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="members_retrieve",
        summary="One person of the tenant",
        responses={200: MembershipSerializer, **error_responses(404)},
    ),
    patch=extend_schema(
        operation_id="members_partial_update",
        summary="Change a person's role",
        description="Owners and admins only; only an owner can grant or take away the "
        "owner role, and the last owner can't be demoted.",
        responses={200: MembershipSerializer, **error_responses(400, 404)},
    ),
    delete=extend_schema(
        operation_id="members_destroy",
        summary="Remove a person from the tenant",
        description="The last owner can't be removed.",
        responses={204: None, **error_responses(400, 404)},
    ),
)
@extend_schema(tags=["members"])
class MemberDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveUpdateDestroyAPIView):
    """One person of the tenant; owners and admins change roles and remove people."""

    model = Membership
    write_roles = MANAGE_ROLES
    serializer_class = MembershipSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def tenant_queryset(self, queryset):
        return queryset.select_related("user")

    def perform_update(self, serializer) -> None:
        _only_owners_touch_owners(
            self, serializer.instance.role, serializer.validated_data.get("role")
        )
        serializer.save()

    def perform_destroy(self, instance: Membership) -> None:
        _only_owners_touch_owners(self, instance.role)
        member_remove(membership=instance, actor=self.actor)


# --- API keys ---------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="api_keys_list",
        summary="API keys of the tenant (never the keys themselves)",
        responses={200: APIKeySerializer(many=True), **error_responses()},
    ),
    post=extend_schema(
        operation_id="api_keys_create",
        summary="Create an API key",
        description="The response carries the key once; only its hash is stored. Owners "
        "and admins only, signed in: an API key can't create keys.",
        request=APIKeyCreateSerializer,
        responses={201: CreatedAPIKeySerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=["api keys"])
class APIKeyListView(TenantScopedMixin, TenantAPIView, generics.ListCreateAPIView):
    """The tenant's API keys; owners and admins create them."""

    model = APIKey
    write_roles = MANAGE_ROLES
    serializer_class = APIKeySerializer

    def tenant_queryset(self, queryset):
        return queryset.select_related("created_by")

    def get_serializer_class(self):
        if self.request.method == "POST":
            return APIKeyCreateSerializer
        return APIKeySerializer

    @method_decorator(never_cache)
    def create(self, request, *args, **kwargs):
        if isinstance(request.auth, APIKey):
            raise exceptions.PermissionDenied("An API key can't create API keys; sign in.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        api_key = serializer.save()
        body = CreatedAPIKeySerializer(api_key, context={"raw_key": serializer.raw_key}).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="api_keys_retrieve",
        summary="One API key (never the key itself)",
        responses={200: APIKeySerializer, **error_responses(404)},
    ),
    delete=extend_schema(
        operation_id="api_keys_destroy",
        summary="Revoke an API key",
        description="The key stops working at once and stays listed with `revoked_at`.",
        responses={204: None, **error_responses(404)},
    ),
)
@extend_schema(tags=["api keys"])
class APIKeyDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveDestroyAPIView):
    """One API key; deleting it revokes it."""

    model = APIKey
    write_roles = MANAGE_ROLES
    serializer_class = APIKeySerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.select_related("created_by")

    def perform_destroy(self, instance: APIKey) -> None:
        api_key_revoke(api_key=instance, actor=self.actor)


# --- audit log --------------------------------------------------------------------------


@extend_schema(tags=["audit log"])
class AuditEventListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """The tenant's audit log, newest first; every member and key may read it."""

    model = AuditEvent
    serializer_class = AuditEventSerializer

    def tenant_queryset(self, queryset):
        params = AuditEventFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        filters = AuditFilters(**params.validated_data)
        return filter_audit_events(queryset.order_by("-created_at", "-id"), filters)

    @extend_schema(
        operation_id="audit_events_list",
        summary="Audit log: who changed what, when",
        description="Cursor-paginated, newest first. `action` is a stable code; "
        "`action_label` says it in words.",
        parameters=[AuditEventFilterSerializer],
        responses={200: AuditEventSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# --- staff ------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_tenants_list",
        summary="All tenants (staff)",
        parameters=[
            OpenApiParameter("status", str, enum=Tenant.Status.values, description="Filter.")
        ],
        responses={200: StaffTenantSerializer(many=True), **error_responses(400)},
    ),
    post=extend_schema(
        operation_id="staff_tenants_create",
        summary="Create a tenant and invite its owner (staff)",
        request=StaffTenantCreateSerializer,
        responses={201: StaffTenantSerializer, **error_responses(400)},
    ),
)
@extend_schema(tags=["staff"])
class StaffTenantListView(StaffAPIView, generics.ListCreateAPIView):
    """Every tenant, newest first; staff create tenants here."""

    queryset = Tenant.objects.select_related("profile")
    serializer_class = StaffTenantSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Tenant.Status.values:
                raise exceptions.ValidationError(
                    {"status": f"Choose one of {', '.join(Tenant.Status.values)}."}
                )
            queryset = queryset.filter(status=wanted)
        return queryset

    def get_serializer_class(self):
        if self.request.method == "POST":
            return StaffTenantCreateSerializer
        return StaffTenantSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tenant = serializer.save()
        return Response(StaffTenantSerializer(tenant).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        operation_id="staff_tenants_retrieve",
        summary="One tenant (staff)",
        responses={200: StaffTenantSerializer, **error_responses(404)},
    )
)
@extend_schema(tags=["staff"])
class StaffTenantDetailView(StaffAPIView, generics.RetrieveAPIView):
    """One tenant, for staff."""

    queryset = Tenant.objects.select_related("profile")
    serializer_class = StaffTenantSerializer
    lookup_url_kwarg = "id"


class _StaffTenantStatusView(StaffAPIView, generics.GenericAPIView):
    """Moves a tenant to `target_status` through the service, which audits it."""

    queryset = Tenant.objects.select_related("profile")
    serializer_class = StaffTenantSerializer
    lookup_url_kwarg = "id"
    target_status: str

    def reason(self) -> str:
        return ""

    def post(self, request, *args, **kwargs):
        tenant = self.get_object()
        tenant = tenant_set_status(
            tenant=tenant, status=self.target_status, actor=self.actor, reason=self.reason()
        )
        return Response(StaffTenantSerializer(tenant).data)


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_tenants_suspend",
        summary="Suspend a tenant (staff): its people and keys can read but not write",
        description="The `reason` is required: the tenant's people see it in the portal "
        "and API callers in `suspension_reason`.",
        request=StaffTenantSuspendSerializer,
        responses={200: StaffTenantSerializer, **error_responses(400, 404)},
    )
)
@extend_schema(tags=["staff"])
class StaffTenantSuspendView(_StaffTenantStatusView):
    """Suspend a tenant, saying why."""

    target_status = Tenant.Status.SUSPENDED

    def reason(self) -> str:
        serializer = StaffTenantSuspendSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["reason"]


@extend_schema_view(
    post=extend_schema(
        operation_id="staff_tenants_reactivate",
        summary="Reactivate a suspended tenant (staff)",
        request=None,
        responses={200: StaffTenantSerializer, **error_responses(400, 404)},
    )
)
@extend_schema(tags=["staff"])
class StaffTenantReactivateView(_StaffTenantStatusView):
    """Reactivate a suspended tenant."""

    target_status = Tenant.Status.ACTIVE
