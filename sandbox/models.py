"""Collects the core's models and every resource package's `models.py`."""

import importlib

from sandbox.core import cache
from sandbox.core.models import Account, ApiKey, Callback, CallbackAttempt, SandboxState, UsageEntry
from sandbox.core.routing import resource_modules

__all__ = ["Account", "ApiKey", "Callback", "CallbackAttempt", "SandboxState", "UsageEntry"]

cache.watch(Account)
cache.watch(ApiKey)

importlib.import_module("sandbox.aws.models")
importlib.import_module("sandbox.stripe.models")
importlib.import_module("sandbox.sentry.models")

for _module in resource_modules("models"):
    importlib.import_module(_module)
