"""The ASGI application `make run` and production serve (gunicorn with uvicorn workers)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from isvplatform.asgi_limits import ActiveRequestLimit, close_connections_per_request

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")


def build_application() -> ActiveRequestLimit:
    """Django's ASGI handler, with the web process's bound on requests and connections."""
    django_application = get_asgi_application()
    close_connections_per_request(settings.DATABASES)
    return ActiveRequestLimit(django_application, settings.WEB_ACTIVE_REQUESTS)


application = build_application()
