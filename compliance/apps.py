from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "A2P 10DLC compliance"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `compliance.enqueue`, and the
        # start-up checks of the chain's settings.
        from compliance import checks, tasks  # noqa: F401
