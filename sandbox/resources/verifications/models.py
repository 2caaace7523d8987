from django.db import models

from isvplatform.fields import EncryptedTextField
from sandbox.core.models import Account
from sandbox.resources.verify_services.models import VerifyService


class Verification(models.Model):
    """One verification (`VE…`) of a `To` on a service; resends add send attempts to it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        CANCELED = "canceled"
        MAX_ATTEMPTS_REACHED = "max_attempts_reached"
        EXPIRED = "expired"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="verifications")
    service = models.ForeignKey(
        VerifyService, on_delete=models.CASCADE, related_name="verifications"
    )
    to = models.CharField(max_length=320)
    channel = models.CharField(max_length=16)
    country = models.CharField(max_length=2, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    # The code is encrypted (a resend inside the validity period sends the same code), bound
    # to this verification's SID; it is compared in constant time and never answered.
    code = EncryptedTextField(bind_to="sid")
    locale = models.CharField(max_length=8, default="en")
    amount = models.CharField(max_length=64, blank=True)
    payee = models.CharField(max_length=64, blank=True)
    lookup = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    send_code_attempts = models.JSONField(default=list, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]
        indexes = [
            models.Index(fields=["service", "to", "status"], name="sandbox_verif_to_idx"),
            models.Index(fields=["account", "to", "status"], name="sandbox_verif_acct_to_idx"),
        ]

    def __str__(self) -> str:
        return self.sid


class VerifyDelivery(models.Model):
    """What one send attempt (`VL…`) put in front of the person: a text or WhatsApp message
    or a spoken call on the handset, or an email in the sandbox mailbox. The body carries
    the code, so it is encrypted at rest like the code itself."""

    class Channel(models.TextChoices):
        SMS = "sms"
        WHATSAPP = "whatsapp"
        CALL = "call"
        EMAIL = "email"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="verify_deliveries")
    verification_sid = models.CharField(max_length=34, db_index=True)
    service_sid = models.CharField(max_length=34, db_index=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    country = models.CharField(max_length=2, blank=True)
    locale = models.CharField(max_length=8, default="en")
    code_length = models.PositiveSmallIntegerField(default=6)
    price = models.DecimalField(max_digits=10, decimal_places=5, default=0)
    from_address = models.CharField(max_length=320)
    to_address = models.CharField(max_length=320)
    subject = models.CharField(max_length=255, blank=True)
    body = EncryptedTextField(bind_to="sid")
    date_created = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]
        indexes = [
            models.Index(fields=["to_address", "date_created"], name="sandbox_vdeliv_to_idx"),
            models.Index(fields=["account", "date_created"], name="sandbox_vdeliv_acct_idx"),
        ]

    def __str__(self) -> str:
        return self.sid


class FraudGuardBlock(models.Model):
    """Fraud Guard saw SMS pumping to a number prefix from an account: SMS verifications to
    that prefix are refused (60410) until `blocked_until`."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="fraud_guard_blocks"
    )
    prefix = models.CharField(max_length=16)
    blocked_until = models.DateTimeField()
    date_created = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["account", "prefix", "blocked_until"], name="sandbox_fg_idx")
        ]

    def __str__(self) -> str:
        return f"{self.prefix} blocked for {self.account} until {self.blocked_until}"
