from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "broadcasts"
    verbose_name = "Broadcasts"

    def ready(self) -> None:
        # Registers `broadcasts.dispatch` and `broadcasts.tick` by name (see `enqueue`).
        from broadcasts import tasks  # noqa: F401
