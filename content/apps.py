from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "WhatsApp message templates"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `content.enqueue`.
        from content import tasks  # noqa: F401
