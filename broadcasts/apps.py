from django.apps import AppConfig


class BroadcastsConfig(AppConfig):
    name = "broadcasts"
    verbose_name = "Broadcasts"

    def ready(self) -> None:
        # Registers `broadcasts.dispatch` and `broadcasts.tick` by name (see `enqueue`).
        from broadcasts import tasks  # noqa: F401

        # messaging tells of its broadcast messages' final statuses and of new opt-outs
        # through signals (it can't import broadcasts); the counters listen.
        from broadcasts.services import counters
        from messaging import signals

        signals.broadcast_message_final.connect(
            counters.message_final, dispatch_uid="broadcasts.message_final"
        )
        signals.number_opted_out.connect(
            counters.number_opted_out, dispatch_uid="broadcasts.number_opted_out"
        )
