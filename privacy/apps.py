from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Forget-this-person erasures and a tenant's full data export (the right of access)."""

    name = "privacy"
    verbose_name = "Privacy"
