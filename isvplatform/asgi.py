"""The ASGI application `make run` and production serve (gunicorn with uvicorn workers)."""

import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from isvplatform.access_log import AccessLogContext
from isvplatform.asgi_limits import ActiveRequestLimit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
application = AccessLogContext(
    ActiveRequestLimit(get_asgi_application(), settings.WEB_ACTIVE_REQUESTS)
)
