"""Base classes of the REST API: the one place that scopes API queries to a tenant."""

from rest_framework import exceptions, generics, permissions
from rest_framework.views import APIView

from tenants.models import APIKey, Membership, Tenant
from tenants.selectors import membership_for
from tenants.services import Actor

Role = Membership.Role
WRITE_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER})
MANAGE_ROLES = frozenset({Role.OWNER, Role.ADMIN})


def resolve_api_tenant(request) -> tuple[Tenant, str] | None:
    """The tenant a request acts for and the role it acts with.

    An API key acts for its tenant, as an admin when it has the write scope and as a
    viewer otherwise; a signed-in person acts for the tenant chosen in the portal.
    """
    if isinstance(request.auth, APIKey):
        role = Role.ADMIN if request.auth.allows("write") else Role.VIEWER
        return request.auth.tenant, role
    membership = membership_for(request.user, request.session.get("tenant_id"))
    if membership is None:
        membership = getattr(request._request, "membership", None) or None
    if membership is None:
        return None
    return membership.tenant, membership.role


class TenantRolePermission(permissions.BasePermission):
    """Reads need a membership; writes need one of the view's `write_roles`."""

    message = "Your role in this tenant doesn't allow this."

    def has_permission(self, request, view) -> bool:
        resolved = resolve_api_tenant(request)
        if resolved is None:
            raise exceptions.PermissionDenied("You are not a member of any tenant.")
        view.tenant, view.role = resolved
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.tenant.status != Tenant.Status.ACTIVE:
            raise exceptions.PermissionDenied(view.tenant.inactive_message)
        return view.role in view.write_roles


class TenantAPIView(APIView):
    """An API view acting for the request's tenant (`self.tenant`, `self.role`)."""

    permission_classes = [permissions.IsAuthenticated, TenantRolePermission]
    write_roles = WRITE_ROLES
    tenant: Tenant
    role: str

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)


class TenantScopedMixin:
    """Querysets of tenant-owned models, always filtered to the request's tenant.

    Subclasses narrow the queryset in `tenant_queryset`; `get_queryset` itself can't be
    overridden, so no view can forget the tenant filter.
    """

    model = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: override tenant_queryset(), not get_queryset()")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation: no request, no tenant, only the model is wanted.
            return self.model.objects.none()
        return self.tenant_queryset(self.model.objects.for_tenant(self.tenant))

    def tenant_queryset(self, queryset):
        return queryset


class TenantListAPIView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    pass


class TenantListCreateAPIView(TenantScopedMixin, TenantAPIView, generics.ListCreateAPIView):
    pass


class TenantRetrieveAPIView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    pass


class TenantDetailAPIView(TenantScopedMixin, TenantAPIView, generics.RetrieveUpdateDestroyAPIView):
    pass


class StaffAPIView(APIView):
    """Endpoints for the vendor's staff only."""

    permission_classes = [permissions.IsAdminUser]

    @property
    def actor(self) -> Actor:
        return Actor.from_request(self.request)
