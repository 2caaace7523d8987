"""The tenant's Verify service, its settings, and the log of every attempt and check.

The code a person receives is Twilio's secret: it is never stored, here or anywhere.
"""

import uuid

from django.conf import settings
from django.db import models

from isvplatform.claims import Claimable
from isvplatform.fields import EncryptedTextField
from tenants.models import TenantOwned


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    CALL = "call", "Voice call"
    EMAIL = "email", "Email"


def default_channels() -> list[str]:
    return [Channel.SMS.value]


class VerifyService(TenantOwned, Claimable):
    """One per tenant: the Twilio Verify service (`VA…`) in the tenant's subaccount."""

    class Status(models.TextChoices):
        DISABLED = "disabled", "Off"
        PROVISIONING = "provisioning", "Being set up"
        ACTIVE = "active", "On"
        FAILED = "failed", "Set-up failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DISABLED)
    enabled = models.BooleanField(default=False)
    twilio_sid = models.CharField(max_length=34, blank=True)
    # What the person reads in the message ("Your Acme verification code is …").
    brand_name = models.CharField(max_length=30)
    code_length = models.PositiveSmallIntegerField(default=6)
    channels = models.JSONField(default=default_channels)
    default_locale = models.CharField(max_length=8, default="en")
    template_sid = models.CharField(max_length=34, blank=True)
    # ISO 3166 alpha-2 codes a verification may be sent to; empty means the tenant's own country.
    allowed_countries = models.JSONField(default=list, blank=True)
    lookup_enabled = models.BooleanField(default=True)
    do_not_share_warning = models.BooleanField(default=True)
    # Throttles, per rolling hour (number, client address) and per 10 minutes (prefix burst).
    per_number_hourly_limit = models.PositiveIntegerField(default=5)
    per_ip_hourly_limit = models.PositiveIntegerField(default=20)
    prefix_burst_limit = models.PositiveIntegerField(default=30)
    # The white-label widget: a publishable key usable only from these origins.
    publishable_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    allowed_origins = models.JSONField(default=list, blank=True)
    logo_url = models.URLField(max_length=500, blank=True)
    brand_color = models.CharField(max_length=7, default="#2563eb")
    token_secret = EncryptedTextField()
    last_error = models.CharField(max_length=500, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="verify_service_one_per_tenant")
        ]

    def __str__(self) -> str:
        return f"{self.brand_name} ({self.twilio_sid or self.get_status_display()})"


class VerificationAttempt(TenantOwned):
    """One verification sent to one destination (Twilio's `VE…`)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the code"
        APPROVED = "approved", "Verified"
        CANCELED = "canceled", "Cancelled"
        EXPIRED = "expired", "Expired"
        MAX_ATTEMPTS = "max_attempts_reached", "Too many wrong codes"
        FAILED = "failed", "Not sent"

    class Source(models.TextChoices):
        API = "api", "API"
        PORTAL = "portal", "Portal"
        WIDGET = "widget", "Widget"
        STAFF = "staff", "Staff"

    service = models.ForeignKey(VerifyService, on_delete=models.CASCADE, related_name="attempts")
    to = models.CharField(max_length=254)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    country = models.CharField(max_length=2, blank=True)
    locale = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    twilio_sid = models.CharField(max_length=34, blank=True, db_index=True)
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price_unit = models.CharField(max_length=3, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)
    # Sends of this verification: a resend within its 10 minutes is the same `VE…` (and code).
    send_count = models.PositiveSmallIntegerField(default=1)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "created_at"], name="verify_attempt_tenant_time"),
            models.Index(fields=["tenant", "to", "created_at"], name="verify_attempt_tenant_to"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to} ({self.status})"


class VerificationCheck(TenantOwned):
    """One code checked against an attempt; the code itself is not kept."""

    class Result(models.TextChoices):
        APPROVED = "approved", "Correct code"
        WRONG_CODE = "wrong_code", "Wrong code"
        EXPIRED = "expired", "Expired"
        TOO_MANY = "max_attempts_reached", "Too many checks"
        ERROR = "error", "Refused"

    attempt = models.ForeignKey(
        VerificationAttempt, on_delete=models.CASCADE, related_name="checks"
    )
    result = models.CharField(max_length=24, choices=Result.choices)
    error_code = models.CharField(max_length=40, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"check of {self.attempt_id}: {self.result}"


class PumpingAlert(TenantOwned):
    """A burst of sends to one destination prefix (the signature of SMS pumping fraud), which
    the platform refused; the tenant's owners and staff were told, and staff review it."""

    service = models.ForeignKey(VerifyService, on_delete=models.CASCADE, related_name="alerts")
    prefix = models.CharField(max_length=16)
    country = models.CharField(max_length=2, blank=True)
    # Sends to the prefix within the window when the limit tripped, and the limit itself.
    sends = models.PositiveIntegerField()
    limit = models.PositiveIntegerField()
    refused = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(db_index=True)
    last_refused_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "SMS pumping alert"

    def __str__(self) -> str:
        return f"burst to {self.prefix}… ({self.sends} sends)"


class VerificationDailyRollup(TenantOwned):
    """A tenant's attempts of one UTC day, one channel and one destination country, counted.

    Rebuilt whole from the attempts by `verify.rollups.rollup_recompute` (never incremented),
    so a recompute run twice gives the same row. `ttv_histogram` counts approved attempts per
    time-to-verify bucket of `verify.ttv` (bucket index → count); histograms add up across
    days, which is what lets a period's median and p90 be read from the rollups alone.
    """

    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    country = models.CharField(max_length=2, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    # Ended without approval, by reason (a Twilio error code or the final status) → count.
    failures = models.JSONField(default=dict, blank=True)
    ttv_sum_seconds = models.FloatField(default=0.0)
    ttv_histogram = models.JSONField(default=dict, blank=True)
    cost = models.DecimalField(max_digits=14, decimal_places=5, default=0)
    cost_unit = models.CharField(max_length=3, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-day", "channel", "country"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "channel", "country"], name="verify_rollup_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.country or '—'}: {self.attempts} attempts"


class WidgetToken(TenantOwned):
    """A success token the widget handed a page: its id (`jti`) and whether it was redeemed.

    The token itself is not kept (it is signed, so its claims are enough); the row makes the
    online check single-use and lets the log show which verifications became tokens.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.OneToOneField(
        VerificationAttempt, on_delete=models.CASCADE, related_name="widget_token"
    )
    phone = models.CharField(max_length=254)
    origin = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"token for {self.phone} ({'redeemed' if self.redeemed_at else 'not redeemed'})"


class VerifyUsageDay(TenantOwned):
    """What Twilio's usage records say one day of the tenant's Verify cost (the `verify-*`
    categories of its subaccount): what the attempts' own prices are reconciled against."""

    day = models.DateField()
    twilio_cost = models.DecimalField(max_digits=14, decimal_places=5, default=0)
    currency = models.CharField(max_length=3, default="USD")
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "day"], name="verify_usage_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.twilio_cost} {self.currency}"
