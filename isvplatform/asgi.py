"""The ASGI application `make run` and production serve (gunicorn with uvicorn workers)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
_django = get_asgi_application()

from isvplatform.api.concurrency import TenantConcurrencyLimit  # noqa: E402 (after setup)
from isvplatform.asgi_limits import ActiveRequestLimit  # noqa: E402

# A tenant over its API concurrency is refused before it waits for one of the places.
application = TenantConcurrencyLimit(
    ActiveRequestLimit(_django, settings.WEB_ACTIVE_REQUESTS),
    settings.API_TENANT_CONCURRENCY,
    settings.API_TENANT_CONCURRENCY_REDIS_URL,
    ttl=settings.API_TENANT_CONCURRENCY_TTL_SECONDS,
    retry_after=settings.API_TENANT_CONCURRENCY_RETRY_AFTER,
    refusal_delay=settings.API_TENANT_REFUSAL_DELAY_SECONDS,
)
