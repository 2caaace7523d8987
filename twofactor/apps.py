from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    """TOTP second factor and recovery codes for portal users and staff (django-otp)."""

    name = "twofactor"
    verbose_name = "Two-factor sign-in"
