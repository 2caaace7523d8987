from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account
from sandbox.resources.brand_registrations.models import Brand

# Twilio gives every campaign the same SID; a service holds at most one.
CAMPAIGN_SID = "QE2c6890da8086d771620e9b13fadeba0b"


class Campaign(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        IN_PROGRESS = "IN_PROGRESS"
        VERIFIED = "VERIFIED"
        FAILED = "FAILED"

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="a2p_campaigns")
    messaging_service_sid = models.CharField(max_length=34, unique=True)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    description = models.TextField()
    message_flow = models.TextField()
    message_samples = models.JSONField(default=list)
    use_case = models.CharField(max_length=40)
    has_embedded_links = models.BooleanField(default=False)
    has_embedded_phone = models.BooleanField(default=False)
    subscriber_opt_in = models.BooleanField(null=True, blank=True)
    age_gated = models.BooleanField(default=False)
    direct_lending = models.BooleanField(default=False)
    opt_in_message = models.TextField(blank=True)
    opt_out_message = models.TextField(blank=True)
    help_message = models.TextField(blank=True)
    opt_in_keywords = models.JSONField(default=list, blank=True)
    opt_out_keywords = models.JSONField(default=list, blank=True)
    help_keywords = models.JSONField(default=list, blank=True)
    privacy_policy_url = models.TextField(blank=True)
    terms_and_conditions_url = models.TextField(blank=True)
    campaign_status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    campaign_id = models.CharField(max_length=16, blank=True)
    rate_limits = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return f"campaign of {self.messaging_service_sid}"

    @property
    def sid(self) -> str:
        return CAMPAIGN_SID


cache.watch(Campaign)
