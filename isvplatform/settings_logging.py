"""Settings of the logs (structlog; a request id that follows a request into its tasks)
and of Sentry (when SENTRY_DSN is set)."""

from typing import Any

import environ


def logging_settings(env: environ.Env) -> dict[str, Any]:
    LOGGING = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
    return {k: v for k, v in locals().items() if k.isupper()}
