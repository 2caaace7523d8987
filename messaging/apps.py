from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `messaging.enqueue`.
        from messaging import tasks  # noqa: F401
        from messaging.services.sender_cache import connect_invalidation

        connect_invalidation()
