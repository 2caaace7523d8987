from tenants.middleware import request_memberships


def tenant(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    return {
        "current_membership": membership if membership else None,
        "current_tenant": membership.tenant if membership else None,
        "my_memberships": request_memberships(request),
    }
