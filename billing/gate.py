"""The billing app's checks on every send (`messaging.services.admission`), in order: the
hard spending limit first (it only looks), then the sending quota (it takes a count); and
the invalidation of the limit verdict those sends read from the cache."""

from billing.services.limit_events import connect_invalidation
from billing.services.limits import limit_admission
from billing.services.quotas import quota_admission
from messaging.services import admission


def register_checks() -> None:
    admission.register(limit_admission)
    admission.register(quota_admission)


register_checks()
connect_invalidation()
