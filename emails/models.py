"""The email channel's own rows: sender identities, the tenant's own ESP credentials, email
templates, and the ESP's tracking events per message.

Emails themselves are `messaging.Message` rows (channel `email`), so they share the log,
conversations, exports, webhooks and broadcasts with SMS and WhatsApp; the suppression list
is the opt-out list on channel `email`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from isvplatform.claims import Claimable
from isvplatform.fields import EncryptedTextField
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


class EspCredentials(TenantOwned):
    """A tenant's own ESP account (the specification's channel credentials): its email goes
    out through it instead of the platform's. Checked with a real call when saved; the
    secret is encrypted and never shown again."""

    class Esp(models.TextChoices):
        AMAZON_SES = "amazon_ses", "Amazon SES"

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        ACTIVE = "active", "Working"
        FAILED = "failed", "Refused by the ESP"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="esp_credentials"
    )
    esp = models.CharField(max_length=32, choices=Esp.choices, default=Esp.AMAZON_SES)
    region = models.CharField(max_length=32, default="us-east-1")
    access_key_id = models.CharField(max_length=128)
    secret_access_key = EncryptedTextField()
    # The SES configuration set that publishes this account's events (created by the platform).
    configuration_set = models.CharField(max_length=64, blank=True)
    # Basic auth ("user:pass") that this account's SNS subscription carries to our tracking
    # URL: tracking events naming this tenant's emails are checked against it.
    webhook_secret = EncryptedTextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CHECKING)
    check_error = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ESP credentials"
        verbose_name_plural = "ESP credentials"

    def __str__(self) -> str:
        return f"{self.get_esp_display()} {self.access_key_id[:4]}… of tenant {self.tenant_id}"


class EmailIdentity(TenantOwned, Claimable):
    """A domain or single address the tenant sends from, created at the ESP (SES Easy DKIM)
    and polled until verified. Nothing is sent from an identity that isn't verified. The
    claim columns are the poller's lease."""

    class Kind(models.TextChoices):
        DOMAIN = "domain", "Domain"
        EMAIL_ADDRESS = "email_address", "Single address"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for DNS"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Verification failed"
        TEMPORARY_FAILURE = "temporary_failure", "Temporary failure (retrying)"
        NOT_STARTED = "not_started", "Not started"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The domain ("example.com") or address ("news@example.com"), lower-cased.
    name = models.CharField(max_length=254)
    # Through the tenant's own ESP account (else the platform's).
    own_credentials = models.BooleanField(default=False)
    esp = models.CharField(max_length=32, default="amazon_ses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # SES's DKIM status and the three Easy DKIM tokens (CNAME <token>._domainkey.<domain>).
    dkim_status = models.CharField(max_length=20, blank=True)
    dkim_tokens = models.JSONField(default=list, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    checks = models.PositiveIntegerField(default=0)
    failure_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "email identities"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="emailidentity_unique_name"),
            # One platform ESP account holds an identity once: two tenants can't both claim it.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(own_credentials=False),
                name="emailidentity_unique_platform",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                condition=Q(status__in=["pending", "temporary_failure", "not_started"]),
                name="emailidentity_due",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED


register_labels("email_identity_status", EmailIdentity.Status)


class EmailTemplate(TenantOwned):
    """A reusable email: subject, sanitised HTML and text parts with `{{variables}}`."""

    class Category(models.TextChoices):
        MARKETING = "marketing", "Marketing (carries an unsubscribe link)"
        TRANSACTIONAL = "transactional", "Transactional"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.MARKETING)
    subject = models.CharField(max_length=998)
    html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # The text part was generated from the HTML (regenerated whenever the HTML changes).
    text_generated = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="emailtemplate_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class EmailEvent(TenantOwned):
    """One tracking event of one email (anymail's normalised event), kept once per (ESP
    event id, type): a repeated SNS delivery changes nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No database constraint: messages are partitioned on PostgreSQL (`id` alone is not
    # unique there); Django's CASCADE still deletes a message's events with it.
    message = models.ForeignKey(
        "messaging.Message",
        on_delete=models.CASCADE,
        related_name="email_events",
        db_constraint=False,
    )
    esp_name = models.CharField(max_length=32)
    event_id = models.CharField(max_length=255)
    # anymail's event_type: queued, sent, delivered, bounced, complained, rejected, opened...
    event_type = models.CharField(max_length=20)
    recipient = models.CharField(max_length=254, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    description = models.CharField(max_length=500, blank=True)
    mta_response = models.CharField(max_length=1000, blank=True)
    click_url = models.URLField(max_length=2000, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["esp_name", "event_id", "event_type", "recipient"],
                name="emailevent_unique_event",
            )
        ]
        indexes = [models.Index(fields=["message", "occurred_at"], name="emailevent_message")]

    def __str__(self) -> str:
        return f"{self.event_type} of {self.message_id}"
