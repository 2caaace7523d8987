from django.apps import AppConfig
from django.conf import settings


class PrivacyConfig(AppConfig):
    """Forget-this-person erasures and a tenant's full data export (the right of access)."""

    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # The schema's names of the two `status` choice sets (settings.py is at its size
        # budget, so they are added here, before drf-spectacular first reads its settings).
        overrides = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
        overrides.setdefault("ErasureStatusEnum", "privacy.models.ErasureRequest.Status")
        overrides.setdefault("DataExportStatusEnum", "privacy.models.DataExport.Status")
        # Registers the tasks by name in every process (the services enqueue by name).
        from privacy import tasks  # noqa: F401
