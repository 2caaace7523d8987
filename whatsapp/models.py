"""A tenant's WhatsApp senders: one of its numbers registered with Meta through Twilio
(Messaging v2 Channels Senders), and the timeline of each sender's statuses."""

import uuid

from django.conf import settings
from django.db import models

from isvplatform.claims import Claimable
from isvplatform.fields import EncryptedTextField
from provisioning.models import PhoneNumber
from tenants.models import TenantOwned


class SenderStatus(models.TextChoices):
    """Twilio's statuses (`channels_sender_enum_status`), plus the platform's own first step
    (not yet accepted by Twilio) and a sender Twilio refused outright."""

    SUBMITTING = "submitting", "Sending to Twilio"
    CREATING = "creating", "Being created"
    PENDING_VERIFICATION = "pending_verification", "Waiting for the verification code"
    VERIFYING = "verifying", "Checking the code"
    TWILIO_REVIEW = "twilio_review", "In Twilio's review"
    ONLINE = "online", "Online"
    ONLINE_UPDATING = "online_updating", "Online (profile updating)"
    OFFLINE = "offline", "Offline"
    REFUSED = "refused", "Refused by Twilio"


TWILIO_STATUSES = {
    "CREATING": SenderStatus.CREATING,
    "PENDING_VERIFICATION": SenderStatus.PENDING_VERIFICATION,
    "VERIFYING": SenderStatus.VERIFYING,
    "TWILIO_REVIEW": SenderStatus.TWILIO_REVIEW,
    "ONLINE": SenderStatus.ONLINE,
    "ONLINE:UPDATING": SenderStatus.ONLINE_UPDATING,
    "OFFLINE": SenderStatus.OFFLINE,
    "DRAFT": SenderStatus.CREATING,
    "STUBBED": SenderStatus.CREATING,
}
SENDING = frozenset({SenderStatus.ONLINE, SenderStatus.ONLINE_UPDATING})


class VerificationMethod(models.TextChoices):
    SMS = "sms", "Text message (SMS)"
    VOICE = "voice", "Voice call"


class WhatsAppSender(TenantOwned, Claimable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phone_number = models.ForeignKey(
        PhoneNumber, on_delete=models.PROTECT, related_name="whatsapp_senders"
    )
    sid = models.CharField("sender SID", max_length=34, blank=True, db_index=True)
    waba_id = models.CharField("WhatsApp Business Account id", max_length=64)
    display_name = models.CharField(max_length=256)
    about = models.CharField(max_length=139, blank=True)
    address = models.CharField(max_length=256, blank=True)
    description = models.CharField(max_length=512, blank=True)
    logo_url = models.URLField(max_length=2048, blank=True)
    vertical = models.CharField(max_length=64, blank=True)
    email = models.EmailField(max_length=128, blank=True)
    websites = models.JSONField(default=list, blank=True)
    verification_method = models.CharField(
        max_length=8, choices=VerificationMethod.choices, default=VerificationMethod.SMS
    )
    status = models.CharField(
        max_length=24, choices=SenderStatus.choices, default=SenderStatus.SUBMITTING
    )
    raw_status = models.CharField("Twilio status", max_length=32, blank=True)
    offline_reasons = models.JSONField(default=list, blank=True)
    quality_rating = models.CharField(max_length=16, blank=True)
    messaging_limit = models.CharField(max_length=32, blank=True)
    # A code the owner typed, waiting for the task that hands it to Twilio.
    pending_code = EncryptedTextField(blank=True)
    resend_method = models.CharField(max_length=8, blank=True)
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    poll_attempts = models.PositiveIntegerField(default=0)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    online_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_number"],
                condition=~models.Q(status="refused"),
                name="whatsapp_one_live_sender_per_number",
            )
        ]

    def __str__(self) -> str:
        return f"whatsapp:{self.phone_number.phone_number}"

    @property
    def is_sending(self) -> bool:
        return self.status in SENDING

    @property
    def awaits_code(self) -> bool:
        return self.status == SenderStatus.PENDING_VERIFICATION

    @property
    def settled(self) -> bool:
        """Nothing will move without the owner or Meta: the page stops polling."""
        return self.status in (*SENDING, SenderStatus.OFFLINE, SenderStatus.REFUSED) or (
            self.awaits_code and not self.pending_code and not self.resend_method
        )


class SenderEvent(TenantOwned):
    """One line of a sender's timeline: a status move, or a refused code."""

    sender = models.ForeignKey(WhatsAppSender, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    raw_status = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.sender_id}: {self.from_status} -> {self.to_status}"
