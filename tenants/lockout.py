"""Sign-in lockout (django-axes), tuned so that an attacker cannot lock an owner out.

Failures count per (account, address) and, with the higher `LOGIN_FAILURES_PER_ADDRESS`
limit, per address (one address trying many accounts). Never per account alone: failures
from the attacker's address do not lock the owner's own. Each further limit's worth of
failures doubles the cool-off, up to `LOGIN_LOCKOUT_MAX_HOURS`.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """How long the (account, address) of `request` stays locked: backoff by failure count."""
    base = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    ip_address = getattr(request, "axes_ip_address", None)
    if request is None or ip_address is None:
        return base
    failures = _failures(username=get_client_username(request), ip_address=ip_address)
    doublings = max(0, failures // settings.LOGIN_FAILURE_LIMIT - 1)
    longest = timedelta(hours=settings.LOGIN_LOCKOUT_MAX_HOURS)
    return min(base * 2 ** min(doublings, 32), longest)


def _failures(**filters) -> int:
    total = AccessAttempt.objects.filter(**filters).aggregate(n=Sum("failures_since_start"))
    return total["n"] or 0


class LoginAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for an address on its own.

    Axes compares one failure count with one limit. The first of `AXES_LOCKOUT_PARAMETERS`
    is (account, address); the counts of the others (the address) are scaled so that they
    reach `LOGIN_FAILURE_LIMIT` exactly when they reach `LOGIN_FAILURES_PER_ADDRESS`.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_account, *per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.LOGIN_FAILURE_LIMIT
        scaled = (n * limit // settings.LOGIN_FAILURES_PER_ADDRESS for n in per_address)
        return max(per_account, *scaled, 0)
