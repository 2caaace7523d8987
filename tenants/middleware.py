import structlog
from django.utils.functional import SimpleLazyObject

from tenants.models import Membership
from tenants.selectors import memberships_for_user

SESSION_TENANT_KEY = "tenant_id"


def request_memberships(request) -> list[Membership]:
    """The signed-in person's memberships, read once per request: the tenant of the session
    is picked from them, and every page's tenant switcher lists them."""
    if not hasattr(request, "_memberships"):
        request._memberships = memberships_for_user(request.user)
    return request._memberships


def _resolve_membership(request):
    """The signed-in person's membership in the tenant chosen in the session (or the first)."""
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = request_memberships(request)
    chosen = request.session.get(SESSION_TENANT_KEY)
    membership = next((m for m in memberships if str(m.tenant_id) == str(chosen)), None)
    if membership is None:
        membership = memberships[0] if memberships else None
        if membership is not None:
            request.session[SESSION_TENANT_KEY] = membership.tenant_id
    if membership is not None:  # the request's log lines from here on name the tenant
        structlog.contextvars.bind_contextvars(tenant_id=membership.tenant_id)
    return membership


class TenantMiddleware:
    """Sets `request.membership` and `request.tenant` for portal requests (lazily)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _resolve_membership(request))
        request.tenant = SimpleLazyObject(
            lambda: request.membership.tenant if request.membership else None
        )
        return self.get_response(request)
