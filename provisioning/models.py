"""The Twilio side of a tenant: its subaccount, its messaging service and its numbers,
plus what drives them (Stripe customers and events, the master-account number pool) and what
checks them (reconcile records)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from isvplatform.claims import Claimable
from isvplatform.fields import EncryptedTextField
from isvplatform.labels import register_labels
from tenants.models import Tenant, TenantOwned


class TwilioSubaccount(TenantOwned, Claimable):
    """The Twilio account a tenant's traffic goes through: a subaccount the platform created
    under the vendor's master account, or (origin `connected`) the tenant's own account,
    which the platform uses with the tenant's credentials but never suspends or closes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PROVISIONING = "provisioning", "Provisioning"
        ACTIVE = "active", "Active"
        FAILED = "failed", "Failed"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    class Origin(models.TextChoices):
        PLATFORM = "platform", "Platform subaccount"
        CONNECTED = "connected", "Tenant's own Twilio account"

    class BillingMode(models.TextChoices):
        # Nothing bills Twilio usage yet: the mode records what a bill may cover.
        FEES_AND_USAGE = "platform_fees_and_usage", "Platform fees and Twilio usage"
        FEES_ONLY = "platform_fees_only", "Platform fees only"

    class SuspensionSource(models.TextChoices):
        STAFF = "staff", "Staff"
        BILLING = "billing", "Billing"
        TWILIO = "twilio", "Twilio"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sid = models.CharField("account SID", max_length=34, null=True, blank=True, unique=True)
    friendly_name = models.CharField(max_length=200)
    auth_token = EncryptedTextField()
    # Kept during a token rotation so callbacks signed with the old token still verify.
    previous_auth_token = EncryptedTextField()
    previous_token_valid_until = models.DateTimeField(null=True, blank=True)
    token_rotated_at = models.DateTimeField(null=True, blank=True)
    # A rotation's new token, stored as soon as Twilio creates it and until it is promoted,
    # so a rotation interrupted between the two steps resumes instead of starting over.
    secondary_auth_token = EncryptedTextField()
    rotation_started_at = models.DateTimeField(null=True, blank=True)
    # The standard API key every REST call on the subaccount uses; the auth token only signs
    # callbacks (and manages keys and tokens, which a standard key may not). Twilio answers
    # the secret once: it is stored encrypted and never shown.
    api_key_sid = models.CharField("API key SID", max_length=34, blank=True)
    api_key_secret = EncryptedTextField()
    api_key_created_at = models.DateTimeField(null=True, blank=True)
    # The key a rotation replaced, until it is deleted in Twilio (an interrupted rotation
    # finishes the delete).
    previous_api_key_sid = models.CharField(max_length=34, blank=True)
    # The claim on key changes: one run at a time, with no row lock held across Twilio calls.
    api_key_claimed_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PLATFORM)
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
    status_reason = models.CharField(max_length=200, blank=True)
    # Who suspended it: a subscription coming back reactivates only what billing suspended.
    suspension_source = models.CharField(
        max_length=16, choices=SuspensionSource.choices, blank=True
    )
    # Set when the tenant's subscription ended: the reconcile job closes it after this time.
    close_scheduled_at = models.DateTimeField(null=True, blank=True)
    # Area code the tenant asked for at sign-up: its first number is bought there on activation.
    requested_area_code = models.CharField(max_length=3, blank=True)
    last_reconciled_at = models.DateTimeField(null=True, blank=True)

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

    @property
    def has_api_key(self) -> bool:
        return bool(self.api_key_sid) and self.api_key_secret is not None

    def forget_credentials(self) -> None:
        """A closed account signs nothing and accepts no credentials: keep no secret for it."""
        self.auth_token = None
        self.previous_auth_token = None
        self.secondary_auth_token = None
        self.previous_token_valid_until = None
        self.api_key_secret = None

    @property
    def is_connected(self) -> bool:
        """The tenant's own account: used, never created, suspended or closed at Twilio."""
        return self.origin == self.Origin.CONNECTED

    @property
    def billing_mode(self) -> str:
        """A tenant on its own account pays Twilio itself: the platform bills its fees only."""
        return self.BillingMode.FEES_ONLY if self.is_connected else self.BillingMode.FEES_AND_USAGE

    @property
    def billing_mode_label(self) -> str:
        return self.BillingMode(self.billing_mode).label

    @property
    def effective_number_limit(self) -> int:
        if self.number_limit is not None:
            return self.number_limit
        return int(settings.NUMBER_LIMIT_PER_TENANT)


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


class NumberType(models.TextChoices):
    LOCAL = "local", "Local"
    TOLL_FREE = "toll_free", "Toll-free"
    MOBILE = "mobile", "Mobile"


register_labels("number_type", NumberType)


class PooledNumber(Claimable):
    """A number the vendor bought into its master account ahead of demand.

    Allocating it moves it (same SID) into a tenant's subaccount; when the tenant releases
    it, it can come back here instead of going back to Twilio.
    """

    class Status(models.TextChoices):
        AVAILABLE = "available", "Available"
        ALLOCATED = "allocated", "Allocated"
        RELEASED = "released", "Released"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sid = models.CharField("number SID", max_length=34)
    phone_number = models.CharField("number (E.164)", max_length=20)
    friendly_name = models.CharField(max_length=64, blank=True)
    iso_country = models.CharField(max_length=2, default="US")
    number_type = models.CharField(
        max_length=16, choices=NumberType.choices, default=NumberType.LOCAL
    )
    sms_enabled = models.BooleanField(default=True)
    mms_enabled = models.BooleanField(default=False)
    voice_enabled = models.BooleanField(default=False)
    monthly_price = models.DecimalField(max_digits=8, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.AVAILABLE)
    allocated_tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    purchased_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "phone_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sid"], condition=~Q(status="released"), name="one_live_pool_row_per_sid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone_number} (pool, {self.status})"


class PhoneNumber(TenantOwned, Claimable):
    """A number the tenant owns (or owned: released rows are kept as history)."""

    NumberType = NumberType

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"

    class Origin(models.TextChoices):
        PURCHASED = "purchased", "Bought by the platform"
        POOL = "pool", "Allocated from the pool"
        EXTERNAL = "external", "Found in Twilio (bought outside the platform)"

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
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PURCHASED)
    pooled_number = models.ForeignKey(
        PooledNumber, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations"
    )
    # The webhooks configured on the number in Twilio, as last set or seen by the platform.
    sms_url = models.URLField(blank=True)
    status_callback = models.URLField(blank=True)
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


class StripeCustomer(TenantOwned):
    """Which Stripe customer pays for which tenant, and its subscription as last reported."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer_id = models.CharField("Stripe customer id", max_length=64, unique=True)
    subscription_id = models.CharField(max_length=64, blank=True)
    subscription_status = models.CharField(max_length=32, blank=True)
    # `created` of the newest subscription event applied: older events arriving late are
    # recorded but never undo a newer state.
    last_event_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["tenant"], name="one_stripe_customer_per_tenant")
        ]

    def __str__(self) -> str:
        return self.customer_id


class StripeEvent(models.Model):
    """A Stripe webhook event already handled: the same event id is never acted on twice."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    customer_id = models.CharField(max_length=64, blank=True)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField("Stripe's event time", null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class ReconcileRecord(TenantOwned):
    """One difference between the platform and Twilio that a reconcile run found and fixed."""

    class Kind(models.TextChoices):
        STATUS_DRIFT = "status_drift", "Account status differed"
        NUMBER_ADDED = "number_added", "Number found in Twilio"
        NUMBER_GONE = "number_gone", "Number no longer in Twilio"
        NUMBER_WEBHOOKS = "number_webhooks", "Number webhooks repaired"
        PROVISIONING_RESUMED = "provisioning_resumed", "Stuck provisioning resumed"
        TOKEN_EXPIRED = "token_expired", "Previous auth token retired"
        CLOSED_AS_SCHEDULED = "closed_as_scheduled", "Closed as scheduled"
        TENANT_CLOSED = "tenant_closed", "Closed with its tenant"

    subaccount = models.ForeignKey(
        TwilioSubaccount, on_delete=models.CASCADE, related_name="reconcile_records"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    detail = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"


class PlatformAPIKey(models.Model):
    """An integrator's platform-level key (not a tenant's): creates and lists customers.

    Shown once at creation and stored as a SHA-256 hash, like tenant keys.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    hashed_key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "platform API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
