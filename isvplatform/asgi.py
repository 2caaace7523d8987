"""The ASGI application `make run` and production serve (gunicorn with uvicorn workers)."""

import os

import django
from django.conf import settings
from django.core.signals import request_finished

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
CLOSE_CONNECTIONS = "isvplatform.asgi.close_request_connections"


def build_application():
    """Django's ASGI handler inside the web process's bounds: the access log's request
    context outermost, then a tenant over its API concurrency refused before it waits for
    one of the process's places, then the bound on active requests; each request's database
    connections are closed when it finishes."""
    django.setup(set_prefix=False)
    from isvplatform.asgi_handler import SyncChainASGIHandler

    django_application = SyncChainASGIHandler()
    from isvplatform.access_log import AccessLogContext
    from isvplatform.api.concurrency import TenantConcurrencyLimit
    from isvplatform.asgi_limits import ActiveRequestLimit, close_request_connections

    request_finished.connect(close_request_connections, dispatch_uid=CLOSE_CONNECTIONS)
    limited = TenantConcurrencyLimit(
        ActiveRequestLimit(django_application, settings.WEB_ACTIVE_REQUESTS),
        settings.API_TENANT_CONCURRENCY,
        settings.API_TENANT_CONCURRENCY_REDIS_URL,
        ttl=settings.API_TENANT_CONCURRENCY_TTL_SECONDS,
        retry_after=settings.API_TENANT_CONCURRENCY_RETRY_AFTER,
        refusal_delay=settings.API_TENANT_REFUSAL_DELAY_SECONDS,
    )
    return AccessLogContext(limited)


application = build_application()
