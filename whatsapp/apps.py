from django.apps import AppConfig


class WhatsAppConfig(AppConfig):
    name = "whatsapp"
    verbose_name = "WhatsApp senders"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `whatsapp.enqueue`, and the labels.
        from whatsapp import labels, tasks  # noqa: F401
