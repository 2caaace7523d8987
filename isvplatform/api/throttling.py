from rest_framework.throttling import SimpleRateThrottle


class TenantRateThrottle(SimpleRateThrottle):
    """Requests per tenant (all of its people and keys together); staff calls by user."""

    scope = "tenant"

    def get_cache_key(self, request, view):
        tenant = getattr(view, "tenant", None)
        if tenant is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"t{tenant.pk}"}
        if request.user and request.user.is_authenticated and request.user.pk is not None:
            return self.cache_format % {"scope": self.scope, "ident": f"u{request.user.pk}"}
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
