from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Data retention"

    def ready(self) -> None:
        # Registers the beat tasks by name in every process.
        from retention import tasks  # noqa: F401
