from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from isvplatform.public import client_ip


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


class AuthFailureThrottle(SimpleRateThrottle):
    """Failed API-key authentications per client address (`API_AUTH_FAILURE_RATE`).

    Only failures count; once an address has used them up, every key it presents is refused
    with a 429 until the window moves on, so guessing keys goes no faster than the rate.
    """

    scope = "auth_failure"

    def get_rate(self) -> str:
        return settings.API_AUTH_FAILURE_RATE

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]

    def check(self, request) -> None:
        """Raise Throttled while the address has no failures left."""
        self._load(request)
        if len(self.history) >= self.num_requests:
            raise exceptions.Throttled(wait=self.wait())

    def record_failure(self, request) -> None:
        self._load(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)
