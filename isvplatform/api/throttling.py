from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from isvplatform.public import client_ip


class SlidingWindowThrottle(SimpleRateThrottle):
    """A rate over a sliding window, kept in two counters: this window's and the last one's.

    DRF's `SimpleRateThrottle` keeps every request's time in one cached list, read and
    written whole on each request: at 6,000 a minute that is a list of 6,000 floats to
    unpickle and pickle per call, and two concurrent requests overwrite each other's entry.
    Here a request costs one read of two integers and one atomic increment. The estimate
    weights the last window by how much of it the sliding window still covers (as Redis's
    and Cloudflare's rate limiters do), so a burst at a window's edge can't double the rate.
    """

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        self.current_count = int(counts.get(current, 0))
        self.previous_count = int(counts.get(previous, 0))
        self.elapsed = self.now - window * self.duration
        weight = max(0.0, 1.0 - self.elapsed / self.duration)
        if self.previous_count * weight + self.current_count >= self.num_requests:
            return self.throttle_failure()
        self._count(current)
        return self.throttle_success()

    def _count(self, key: str) -> None:
        # Both windows' counters must outlive the next window, which still reads this one.
        try:
            self.cache.incr(key)
        except ValueError:  # the window's first request
            if not self.cache.add(key, 1, timeout=2 * self.duration):
                self.cache.incr(key)  # another process's first request came between

    def throttle_success(self) -> bool:
        return True  # counted in `_count`; DRF's would write its list of times

    def wait(self) -> float:
        """Seconds until the estimate is under the rate again."""
        left = self.duration - self.elapsed
        if self.current_count >= self.num_requests or not self.previous_count:
            return left  # only the next window frees a place
        # The last window's weight falls as the window slides: it frees a place once
        # previous * (1 - (elapsed + t) / duration) + current < num_requests.
        share = (self.num_requests - self.current_count) / self.previous_count
        return max(0.0, min(left, self.duration * (1 - share) - self.elapsed))


class TenantRateThrottle(SlidingWindowThrottle):
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
