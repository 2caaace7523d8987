"""Tenant webhooks: the endpoints a tenant registers, and every delivery and attempt to them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from isvplatform.fields import EncryptedTextField
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


class EventType(models.TextChoices):
    MESSAGE_STATUS = "message.status", "Message status changed"
    MESSAGE_RECEIVED = "message.received", "Message received"
    OPTOUT_CHANGED = "optout.changed", "Opt-out added or removed"
    A2P_STATUS = "a2p.status", "10DLC registration status changed"
    TOLLFREE_STATUS = "tollfree.status", "Toll-free verification status changed"
    TEMPLATE_STATUS = "template.status", "WhatsApp template status changed"
    BROADCAST_STATUS = "broadcast.status", "Broadcast status changed"


register_labels("webhook_event", EventType)


class WebhookEndpoint(TenantOwned):
    """A URL of the tenant's that receives signed JSON events of the chosen types."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    secret = EncryptedTextField()
    # Stored as ",type,type," so the status hot path can test a subscription with one LIKE.
    events = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "is_active"], name="endpoint_tenant_active")]

    def __str__(self) -> str:
        return self.url

    @property
    def event_types(self) -> list[str]:
        return [e for e in self.events.split(",") if e]

    @event_types.setter
    def event_types(self, values: list[str]) -> None:
        ordered = [e for e in EventType.values if e in set(values)]
        self.events = "," + ",".join(ordered) + "," if ordered else ""

    def subscribes_to(self, event_type: str) -> bool:
        return f",{event_type}," in self.events


class WebhookDelivery(TenantOwned):
    """One event to one endpoint: retried with exponential backoff until it succeeds or a
    day has passed. A redelivery is a new row pointing at the original."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=32, choices=EventType.choices)
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    redelivery_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redeliveries"
    )
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["endpoint", "created_at"], name="delivery_endpoint_recent"),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_pending_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the response code (or network error) and timing."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["attempted_at", "id"]
        # The staff alert on failing endpoints reads the recent attempts (ops.readings).
        indexes = [models.Index(fields=["attempted_at"], name="webhookattempt_recent")]

    def __str__(self) -> str:
        return f"attempt of {self.delivery_id}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
