from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account


class WhatsAppSender(models.Model):
    class Status(models.TextChoices):
        """`channels_sender_enum_status` of twilio_messaging_v2.json."""

        CREATING = "CREATING"
        ONLINE = "ONLINE"
        OFFLINE = "OFFLINE"
        PENDING_VERIFICATION = "PENDING_VERIFICATION"
        VERIFYING = "VERIFYING"
        ONLINE_UPDATING = "ONLINE:UPDATING"
        TWILIO_REVIEW = "TWILIO_REVIEW"
        DRAFT = "DRAFT"
        STUBBED = "STUBBED"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="whatsapp_senders")
    phone_number = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ONLINE)
    display_name = models.CharField(max_length=128, blank=True)
    callback_url = models.TextField(blank=True)
    callback_method = models.CharField(max_length=8, default="POST")
    fallback_url = models.TextField(blank=True)
    fallback_method = models.CharField(max_length=8, blank=True)
    status_callback_url = models.TextField(blank=True)
    status_callback_method = models.CharField(max_length=8, blank=True)
    waba_id = models.CharField(max_length=64, blank=True)
    verification_method = models.CharField(max_length=8, blank=True)
    voice_application_sid = models.CharField(max_length=34, blank=True)
    account_type = models.CharField(max_length=16, blank=True)
    # The OTP Meta sent to the number, and the code the caller submitted (being checked).
    otp = models.CharField(max_length=8, blank=True)
    submitted_code = models.CharField(max_length=32, blank=True)
    # The business profile as submitted, keyed by the response's field names.
    profile = models.JSONField(default=dict, blank=True)
    quality_rating = models.CharField(max_length=16, blank=True)
    messaging_limit = models.CharField(max_length=32, blank=True)
    offline_reasons = models.JSONField(default=list, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"whatsapp:{self.phone_number}"

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone_number}"


cache.watch(WhatsAppSender)
