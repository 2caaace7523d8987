"""The billing app's checks on every send (`messaging.services.admission`), in order: the
hard spending limit first (it only looks), then the sending quota (it takes a count); and
the invalidation of the limit verdict those sends read from the cache."""

import importlib
import importlib.util

from billing.services.limit_events import connect_invalidation
from billing.services.limits import limit_admission
from messaging.services import admission


def register_checks() -> None:
    admission.register(limit_admission)
    if importlib.util.find_spec("billing.services.quotas") is not None:
        quotas = importlib.import_module("billing.services.quotas")
        admission.register(quotas.quota_admission)


register_checks()
connect_invalidation()
