"""The billing app's Celery tasks, one module per concern; importing this registers them."""

import importlib
import importlib.util

for _name in ("usage", "statements", "stripe", "limits", "quotas"):
    if importlib.util.find_spec(f"billing.tasks.{_name}") is not None:
        importlib.import_module(f"billing.tasks.{_name}")
