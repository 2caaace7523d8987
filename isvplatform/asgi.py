"""The ASGI application `make run` and production serve (gunicorn with uvicorn workers)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application
from django.core.signals import request_finished

from isvplatform.access_log import AccessLogContext
from isvplatform.asgi_limits import ActiveRequestLimit, close_request_connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
CLOSE_CONNECTIONS = "isvplatform.asgi.close_request_connections"


def build_application() -> AccessLogContext:
    """Django's ASGI handler, with the web process's bound on requests and connections, and
    the access log's request context outermost."""
    django_application = get_asgi_application()
    request_finished.connect(close_request_connections, dispatch_uid=CLOSE_CONNECTIONS)
    return AccessLogContext(ActiveRequestLimit(django_application, settings.WEB_ACTIVE_REQUESTS))


application = build_application()
