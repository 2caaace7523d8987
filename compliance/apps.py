from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "A2P 10DLC compliance"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `compliance.enqueue`.
        from compliance import tasks  # noqa: F401
