"""Staff alerts: one row per time a condition held, open until it no longer does.

Platform-wide, not tenant-owned: an alert is about the platform (delivery rate, queues, a
worker), and staff alone see it. At most one alert of a kind is open at a time.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone


class AlertKind(models.TextChoices):
    DELIVERY_RATE = "delivery_rate", "Delivery rate dropping"
    CARRIER_FILTERING = "carrier_filtering", "Carrier-filtering errors spiking"
    SIGNATURE_FAILURES = "signature_failures", "Callback signature failures"
    OUTBOX_AGE = "outbox_age", "Outbox not draining"
    QUEUE_BACKLOG = "queue_backlog", "Task queue backlog"
    REGISTRATIONS_STUCK = "registrations_stuck", "Registrations stuck in review"
    WORKER_HEARTBEAT = "worker_heartbeat", "Worker heartbeat lost"
    TENANT_WEBHOOKS = "tenant_webhooks", "Tenant webhook endpoints failing"


class Severity(models.TextChoices):
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Alert(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)
    # How many evaluations found the condition holding while this alert was open.
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When staff were emailed about the opening and the resolution (once each).
    opened_email_at = models.DateTimeField(null=True, blank=True)
    resolved_email_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(state="open"), name="one_open_alert_per_kind"
            )
        ]
        indexes = [models.Index(fields=["state", "-last_seen"], name="alert_state_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_state_display().lower()})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class AlertThreshold(models.Model):
    """Staff's say over one condition: its threshold (blank: the `OPS_…` setting's, see
    `ops.thresholds`) and whether it is evaluated at all. A row per condition, made the
    first time the admin lists them; a missing row means the setting and enabled."""

    kind = models.CharField(max_length=32, choices=AlertKind.choices, unique=True)
    threshold = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Blank: the default from the OPS_ settings.",
    )
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()
