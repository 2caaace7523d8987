from django.apps import AppConfig


class VerifyConfig(AppConfig):
    name = "verify"
    verbose_name = "Verification"

    def ready(self) -> None:
        """Register the tasks by name in every process (for `verify.enqueue`), and the staff
        overview of the analytics in the admin."""
        from verify import admin_analytics, rollup_tasks, tasks  # noqa: F401
