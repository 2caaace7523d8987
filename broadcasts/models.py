"""Broadcasts: one message (or WhatsApp template) sent to an audience, paced per sender,
pausable, exactly once per recipient, with live counters.

A launch materialises the recipients in one `INSERT … SELECT` (`BroadcastRecipient`); the
dispatcher hands them in small batches to messaging's ordinary send path (each recipient
gets one `messaging.Message`, through the outbox), pacing each sender through a token
bucket (`SendBucket` on the embedded default, Redis otherwise). The counters on `Broadcast`
move with every recipient and every status callback, so progress is read, not counted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from isvplatform.claims import Claimable
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


class Purpose(models.TextChoices):
    """Marketing needs recorded consent and keeps to quiet hours; transactional does not."""

    MARKETING = "marketing", "Marketing"
    TRANSACTIONAL = "transactional", "Transactional"


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class PauseReason(models.TextChoices):
    MANUAL = "manual", "Paused by a person"
    OPT_OUT_RATE = "opt_out_rate", "Too many opt-outs"
    FILTERING_RATE = "filtering_rate", "Too many carrier-filtered messages"
    SPENDING_LIMIT = "spending_limit", "Spending limit reached"


register_labels("broadcast_purpose", Purpose)
register_labels("broadcast_status", BroadcastStatus)
register_labels("broadcast_pause_reason", PauseReason)

# Which status may follow which (every move is recorded as a `BroadcastTransition`).
TRANSITIONS: dict[str, frozenset[str]] = {
    BroadcastStatus.DRAFT: frozenset(
        {BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.CANCELLED}
    ),
    BroadcastStatus.SCHEDULED: frozenset(
        {BroadcastStatus.SENDING, BroadcastStatus.DRAFT, BroadcastStatus.CANCELLED}
    ),
    BroadcastStatus.SENDING: frozenset(
        {BroadcastStatus.PAUSED, BroadcastStatus.COMPLETED, BroadcastStatus.CANCELLED}
    ),
    BroadcastStatus.PAUSED: frozenset({BroadcastStatus.SENDING, BroadcastStatus.CANCELLED}),
    BroadcastStatus.COMPLETED: frozenset(),
    BroadcastStatus.CANCELLED: frozenset(),
}
FINAL_STATUSES = frozenset({BroadcastStatus.COMPLETED, BroadcastStatus.CANCELLED})


class Broadcast(TenantOwned, Claimable):
    """A bulk send. The claim columns are the dispatcher's lease: one batch at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, default="sms")
    purpose = models.CharField(max_length=16, choices=Purpose.choices, default=Purpose.MARKETING)
    # The text, with `{{first_name}}`, `{{last_name}}`, `{{phone}}`, `{{email}}` and
    # `{{field_key}}` (custom fields) filled per recipient.
    body = models.TextField(blank=True)
    template = models.ForeignKey(
        "content.MessageTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
    )
    # A template's variables: {"1": "{{first_name}}", "2": "Spring sale"}.
    template_variables = models.JSONField(default=dict, blank=True)
    audience = models.ForeignKey(
        "contacts.Audience", on_delete=models.PROTECT, related_name="broadcasts"
    )
    # Email: the subject, the HTML part (the text part is `body`) or an email template; the
    # same `{{variables}}` are filled per recipient.
    subject = models.CharField(max_length=998, blank=True)
    html = models.TextField(blank=True)
    email_template = models.ForeignKey(
        "emails.EmailTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="broadcasts",
    )
    # The sender: a number of the tenant (E.164) or one of its messaging services (MG…);
    # for email the From address, of one of the tenant's verified identities.
    from_number = models.CharField(max_length=254, blank=True)
    messaging_service_sid = models.CharField(max_length=34, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=BroadcastStatus.choices, default=BroadcastStatus.DRAFT
    )
    pause_reason = models.CharField(max_length=16, choices=PauseReason.choices, blank=True)
    pause_detail = models.CharField(max_length=500, blank=True)
    # Counters, moved with F() by the dispatcher and by status callbacks (never counted).
    total = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    delivered = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    opted_out = models.PositiveIntegerField(default=0)
    deferred = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    replies_opted_out = models.PositiveIntegerField(default=0)
    filtered = models.PositiveIntegerField(default=0)
    materialised_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["status", "scheduled_at"],
                condition=Q(status__in=["scheduled", "sending"]),
                name="broadcast_due",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class RecipientStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    QUEUED = "queued", "Handed to messaging"
    SKIPPED = "skipped", "Not sent"
    CANCELLED = "cancelled", "Cancelled"


class SkipReason(models.TextChoices):
    OPTED_OUT = "opted_out", "Opted out"
    NO_CONSENT = "no_consent", "No marketing consent"
    REFUSED = "refused", "Refused by the send checks"
    NO_ADDRESS = "no_address", "No address for the channel"


class RecipientOutcome(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


register_labels("broadcast_recipient_status", RecipientStatus)
register_labels("broadcast_recipient_outcome", RecipientOutcome)
register_labels("broadcast_skip_reason", SkipReason)


class BroadcastRecipient(TenantOwned):
    """One recipient of a broadcast, materialised at launch. Narrow on purpose: a launch
    writes one row per contact of the audience in a single statement. `message` is set in
    the transaction that creates the recipient's one `Message` (exactly once)."""

    # A launch writes a million rows in one statement, so the table carries only the indexes
    # its readers need and no database-level foreign keys (each would queue a trigger per
    # row; Django applies `on_delete` itself). The (broadcast, address) constraint leads
    # with the broadcast, so it serves every per-broadcast query and the cascade.
    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey(
        "tenants.Tenant",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    broadcast = models.ForeignKey(
        Broadcast,
        on_delete=models.CASCADE,
        related_name="recipients",
        db_index=False,
        db_constraint=False,
    )
    # The contact the recipient came from; kept as a plain id if the contact is deleted later
    # (the address is what was messaged), so deleting a contact never scans this table.
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    address = models.CharField(max_length=254)
    status = models.CharField(
        max_length=10, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    skip_reason = models.CharField(max_length=12, choices=SkipReason.choices, blank=True)
    # Quiet hours: not before this moment (the recipient's next opening), else as soon as paced.
    not_before = models.DateTimeField(null=True, blank=True)
    # One message per recipient (unique where set: the rows a launch writes have none, so
    # the index stays out of the launch's way).
    message = models.ForeignKey(
        "messaging.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="broadcast_recipients",
        related_query_name="broadcast_recipient",
        db_index=False,
        db_constraint=False,
    )
    # The message's first final status as the counters took it ("delivered" or "failed"):
    # one conditional UPDATE on it makes a repeated or late callback count nothing.
    outcome = models.CharField(
        max_length=10, choices=RecipientOutcome.choices, blank=True, db_default=""
    )
    # When the recipient opted out (STOP) while the broadcast ran (counted once).
    opted_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "address"], name="broadcastrecipient_unique_address"
            ),
            models.UniqueConstraint(
                fields=["message"],
                condition=Q(message__isnull=False),
                name="broadcastrecipient_unique_message",
            ),
        ]
        indexes = [
            models.Index(
                fields=["broadcast", "id"],
                condition=Q(status="pending"),
                name="broadcastrecipient_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} of {self.broadcast_id}"


class BroadcastTransition(TenantOwned):
    """The status timeline of a broadcast (also in the audit log and tenant webhooks)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=BroadcastStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=BroadcastStatus.choices)
    reason = models.CharField(max_length=16, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.broadcast_id}: {self.from_status} -> {self.to_status}"


class BroadcastFailure(TenantOwned):
    """How many of a broadcast's messages failed with each error code (failed by reason)."""

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="failures")
    error_code = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-count", "error_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["broadcast", "error_code"], name="broadcastfailure_unique_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.error_code}: {self.count}"


class BroadcastSettings(TenantOwned):
    """A tenant's safety thresholds: a running broadcast pauses itself when its opt-out rate
    or its carrier-filtering rate (30007 and friends) crosses these, once `min_sample`
    messages were sent."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="broadcast_settings"
    )
    opt_out_pause_rate = models.DecimalField(max_digits=5, decimal_places=4, default="0.0200")
    filtering_pause_rate = models.DecimalField(max_digits=5, decimal_places=4, default="0.0500")
    min_sample = models.PositiveIntegerField(default=50)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "broadcast settings"

    def __str__(self) -> str:
        return f"Broadcast settings of tenant {self.tenant_id}"


class SendBucket(models.Model):
    """The token bucket of one sender on the embedded default (Redis holds it otherwise):
    GCRA's theoretical arrival time, and the day's count against a daily cap."""

    key = models.CharField(max_length=100, unique=True)
    tat = models.DateTimeField(default=timezone.now)
    day = models.DateField(null=True, blank=True)
    day_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key
