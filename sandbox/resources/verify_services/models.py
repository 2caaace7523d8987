from django.db import models

from sandbox.core.models import Account


class VerifyService(models.Model):
    """A Verify service (`VA…`): the brand name, code length and channel settings that every
    verification started on it uses."""

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="verify_services")
    friendly_name = models.CharField(max_length=32)
    code_length = models.PositiveSmallIntegerField(default=6)
    lookup_enabled = models.BooleanField(default=False)
    psd2_enabled = models.BooleanField(default=False)
    skip_sms_to_landlines = models.BooleanField(default=False)
    dtmf_input_required = models.BooleanField(default=True)
    tts_name = models.CharField(max_length=64, blank=True)
    do_not_share_warning_enabled = models.BooleanField(default=False)
    custom_code_enabled = models.BooleanField(default=False)
    default_template_sid = models.CharField(max_length=34, blank=True)
    verify_event_subscription_enabled = models.BooleanField(default=False)
    whatsapp_msg_service_sid = models.CharField(max_length=34, blank=True)
    whatsapp_from = models.CharField(max_length=64, blank=True)
    # Push, TOTP and Passkeys settings, keyed by their snake_case response names.
    push = models.JSONField(default=dict, blank=True)
    totp = models.JSONField(default=dict, blank=True)
    passkeys = models.JSONField(default=dict, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class VerifyGeoPermissions(models.Model):
    """Which countries Verify may send to for an account (Console-only on Twilio, no API in
    verify v2): `allowed` null means every country except `blocked`. A subaccount without a
    row of its own follows its parent's."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="verify_geo_permissions"
    )
    allowed = models.JSONField(null=True, blank=True)
    blocked = models.JSONField(default=list, blank=True)
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"Verify geo permissions of {self.account}"

    def permits(self, country: str) -> bool:
        if country in self.blocked:
            return False
        return self.allowed is None or country in self.allowed
