from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `webhooks.enqueue`.
        from webhooks import tasks  # noqa: F401
