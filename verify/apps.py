from django.apps import AppConfig


class VerifyConfig(AppConfig):
    name = "verify"
    verbose_name = "Verification"

    def ready(self) -> None:
        """Register the tasks by name in every process (for `verify.enqueue`)."""
        from verify import tasks  # noqa: F401
