"""Settings of the logs (structlog; a request id that follows a request into its tasks)
and of Sentry (when SENTRY_DSN is set).

`LOG_FORMAT` is `json` (one JSON object a line, for a journal or a log shipper) or
`console` (columns for a person); unset, it is `console` with DEBUG or at a terminal (`make
run`), `json` otherwise. Every line passes `isvplatform.logs.redact`.
"""

import logging
from typing import Any

import environ

from isvplatform.errors import sentry_init
from isvplatform.logs import configure_structlog, default_format, formatter, level_name


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The `LOGGING` dict: one handler on the root logger, rendered by structlog."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter(log_format)},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler (DEBUG only) would print its lines a second
            # time, unformatted and unredacted: they reach the root handler instead.
            "django": {"handlers": [], "level": "INFO"},
            "django.db.backends": {"level": "WARNING"},
            # runserver's access lines: django_structlog's `request_finished` says it all.
            "django.server": {"handlers": [], "level": "WARNING"},
        },
    }


def logging_settings(env: environ.Env) -> dict[str, Any]:
    LOG_FORMAT = env("LOG_FORMAT", default="") or default_format(env.bool("DEBUG", default=False))
    LOGGING = logging_config(LOG_FORMAT, level_name(env("LOG_LEVEL", default="INFO")))
    configure_structlog()
    # django_structlog.middlewares.RequestMiddleware: one `request_finished` line a request
    # at INFO (`request_started` only at DEBUG). An inbound X-Request-ID is accepted by our
    # own check (isvplatform.request_id), never as is.
    DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
    DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = False
    DJANGO_STRUCTLOG_TRUST_UPSTREAM_CORRELATION_ID = False
    # Celery configures nothing: the worker logs through LOGGING (isvplatform.celery).
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
    SENTRY_DSN = env("SENTRY_DSN", default="")
    SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
    SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
    if SENTRY_DSN:
        sentry_init(SENTRY_DSN, SENTRY_ENVIRONMENT, SENTRY_TRACES_SAMPLE_RATE)
    return {k: v for k, v in locals().items() if k.isupper()}
