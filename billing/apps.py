import importlib
import importlib.util

from django.apps import AppConfig

# Modules that register themselves on import (Celery tasks by name, send checks, receivers).
_SELF_REGISTERING = ("billing.tasks", "billing.gate", "billing.receivers")


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Usage and billing"

    def ready(self) -> None:
        for name in _SELF_REGISTERING:
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
