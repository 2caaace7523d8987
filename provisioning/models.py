"""The Twilio side of a tenant: its subaccount, its messaging service and its numbers."""

import uuid

from django.db import models
from django.db.models import Q

from isvplatform.fields import EncryptedTextField
from tenants.models import TenantOwned


class TwilioSubaccount(TenantOwned):
    """The tenant's own Twilio account under the vendor's master account."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROVISIONING = "provisioning", "Provisioning"
        ACTIVE = "active", "Active"
        FAILED = "failed", "Failed"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sid = models.CharField("account SID", max_length=34, null=True, blank=True, unique=True)
    friendly_name = models.CharField(max_length=200)
    auth_token = EncryptedTextField()
    # Kept during a token rotation so callbacks signed with the old token still verify.
    previous_auth_token = EncryptedTextField()
    previous_token_valid_until = models.DateTimeField(null=True, blank=True)
    token_rotated_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    number_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the platform's per-tenant number limit."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant"],
                condition=~Q(status="closed"),
                name="one_open_subaccount_per_tenant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.friendly_name} ({self.sid or self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class MessagingService(TenantOwned):
    """The tenant's Twilio messaging service: its sender pool, holding numbers and campaign."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subaccount = models.ForeignKey(
        TwilioSubaccount, on_delete=models.PROTECT, related_name="messaging_services"
    )
    sid = models.CharField("service SID", max_length=34, unique=True)
    friendly_name = models.CharField(max_length=200)
    inbound_request_url = models.URLField(blank=True)
    status_callback = models.URLField(blank=True)
    sticky_sender = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.friendly_name} ({self.sid})"


class PhoneNumber(TenantOwned):
    """A number the tenant owns (or owned: released rows are kept as history)."""

    class NumberType(models.TextChoices):
        LOCAL = "local", "Local"
        TOLL_FREE = "toll_free", "Toll-free"
        MOBILE = "mobile", "Mobile"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subaccount = models.ForeignKey(
        TwilioSubaccount, null=True, blank=True, on_delete=models.PROTECT, related_name="numbers"
    )
    messaging_service = models.ForeignKey(
        MessagingService, null=True, blank=True, on_delete=models.SET_NULL, related_name="numbers"
    )
    phone_number = models.CharField("number (E.164)", max_length=20)
    sid = models.CharField("number SID", max_length=34)
    friendly_name = models.CharField(max_length=64, blank=True)
    iso_country = models.CharField(max_length=2, default="US")
    number_type = models.CharField(
        max_length=16, choices=NumberType.choices, default=NumberType.LOCAL
    )
    sms_enabled = models.BooleanField(default=True)
    mms_enabled = models.BooleanField(default=False)
    voice_enabled = models.BooleanField(default=False)
    whatsapp_enabled = models.BooleanField(default=False)
    is_primary = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    monthly_price = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    purchased_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_primary", "phone_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sid"], condition=Q(status="active"), name="one_active_row_per_number_sid"
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(is_primary=True, status="active"),
                name="one_primary_number_per_tenant",
            ),
        ]
        indexes = [models.Index(fields=["phone_number", "status"])]

    def __str__(self) -> str:
        return self.phone_number
