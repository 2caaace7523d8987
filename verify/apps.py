from django.apps import AppConfig


class VerifyConfig(AppConfig):
    name = "verify"
    verbose_name = "Verification"

    def ready(self) -> None:
        # Registers the analytics' Celery tasks and the staff overview in the admin.
        from verify import admin_analytics, rollup_tasks  # noqa: F401
