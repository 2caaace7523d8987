from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Staff alerts: the conditions Prometheus alerts on, raised in-app and by email."""

    name = "ops"
    verbose_name = "Operations"
