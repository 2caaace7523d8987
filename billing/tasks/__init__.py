"""The billing app's Celery tasks, one module per concern; importing this registers them."""

from billing.tasks import limits, quotas, statements, stripe, usage

__all__ = ["limits", "quotas", "statements", "stripe", "usage"]
