"""Messages, their conversations and media, opt-outs and the consent ledger, raw Twilio events.

Tenant-owned rows are reached through `objects.for_tenant(...)`. A message's status only
moves forward (see `STATUS_RANK`); raw Twilio callbacks are kept once per (SID, status).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from isvplatform.claims import Claimable
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", "Email"


class Direction(models.TextChoices):
    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    UNDELIVERED = "undelivered", "Undelivered"
    DELIVERED = "delivered", "Delivered"
    READ = "read", "Read"
    CANCELED = "canceled", "Canceled"
    RECEIVED = "received", "Received"
    # Email only: the recipient opened it (SES reports opens for all of a message's recipients),
    # or marked it as spam (a complaint: the address is suppressed).
    OPENED = "opened", "Opened"
    COMPLAINED = "complained", "Marked as spam"
    # A send whose answer was lost and whose look-up at Twilio could not tell whether it went
    # out (an email's ESP can't be searched at all): never sent again, the reconciler resolves
    # it or staff decide.
    UNKNOWN = "unknown", "Unknown: check at the provider"


register_labels("channel", Channel)
register_labels("direction", Direction)
register_labels("message_status", Status)

# A status replaces another only with a higher rank, so a late or repeated callback never moves
# a message backwards. Twilio's initial statuses (accepted, scheduled) count as queued.
STATUS_RANK: dict[str, int] = {
    Status.UNKNOWN: 5,
    "accepted": 10,
    "scheduled": 10,
    Status.QUEUED: 10,
    Status.SENDING: 20,
    Status.SENT: 30,
    Status.FAILED: 40,
    Status.UNDELIVERED: 40,
    Status.CANCELED: 40,
    Status.DELIVERED: 50,
    Status.READ: 60,
    Status.OPENED: 60,
    Status.COMPLAINED: 70,
    "receiving": 90,
    Status.RECEIVED: 100,
}
FINAL_RANK = 40
# The statuses that carry Twilio's error code and message.
ERROR_STATUSES = frozenset({Status.FAILED, Status.UNDELIVERED})
# Twilio's status names that the platform stores under another name.
STATUS_ALIASES = {"accepted": Status.QUEUED, "scheduled": Status.QUEUED, "receiving": "received"}
# The per-status timestamp column a status fills.
STATUS_TIMESTAMP = {
    Status.SENDING: "sending_at",
    Status.SENT: "sent_at",
    Status.DELIVERED: "delivered_at",
    Status.UNDELIVERED: "failed_at",
    Status.FAILED: "failed_at",
    Status.CANCELED: "failed_at",
    Status.READ: "read_at",
    Status.OPENED: "read_at",
    Status.RECEIVED: "received_at",
}


class Conversation(TenantOwned):
    """The thread between one of the tenant's numbers and one contact on one channel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    # On the email channel the "numbers" are email addresses (lower-cased).
    contact_number = models.CharField(max_length=254)
    # The tenant's number on this thread; empty while a messaging service has not said which.
    our_number = models.CharField(max_length=254, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    # No database constraint references a message: its table is partitioned on
    # PostgreSQL, where `id` alone is not unique (see `isvplatform.partitions`).
    last_message = models.ForeignKey(
        "Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    last_message_at = models.DateTimeField(default=timezone.now)
    # WhatsApp's 24-hour customer-service window opens with each inbound message.
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_message_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "channel", "contact_number", "our_number"],
                name="conversation_unique_thread",
            )
        ]
        indexes = [models.Index(fields=["tenant", "last_message_at"], name="conv_tenant_recent")]

    def __str__(self) -> str:
        return f"{self.contact_number} ({self.channel})"


class Message(TenantOwned, Claimable):
    """One SMS, WhatsApp or email message, outbound or inbound, with its whole delivery story.

    An email's addresses are in `from_number` / `to_number`, its text part in `body`; it has
    no Twilio SID but the ESP's message id.

    On PostgreSQL the table is partitioned by month of `created_at` (`isvplatform.partitions`):
    its primary key there is (id, created_at), `sid` and `esp_message_id` are kept unique by
    the key table, and no database constraint references a message."""

    class Origin(models.TextChoices):
        API = "api", "API"
        PORTAL = "portal", "Portal"
        REPLY = "reply", "Conversation reply"
        AUTO_REPLY = "auto_reply", "Keyword auto-reply"
        INBOUND = "inbound", "Inbound"
        SYSTEM = "system", "System"
        BROADCAST = "broadcast", "Broadcast"
        BATCH = "batch", "API batch"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    conversation = models.ForeignKey(
        Conversation, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.API)
    from_number = models.CharField(max_length=254, blank=True)
    to_number = models.CharField(max_length=254)
    body = models.TextField(blank=True)
    # Email: the subject, the sanitised HTML part (the text part is `body`), the extra headers
    # sent (List-Unsubscribe...), and which ESP took it under which message id.
    subject = models.CharField(max_length=998, blank=True)
    # Email: the display name beside the From address ("Demo Coffee <hello@…>"); may be empty.
    from_name = models.CharField(max_length=100, blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    esp_name = models.CharField(max_length=32, blank=True)
    esp_message_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    media_urls = models.JSONField(default=list, blank=True)
    content_sid = models.CharField(max_length=34, blank=True)
    content_variables = models.JSONField(default=dict, blank=True)
    # The WhatsApp template sent (its name shows in logs and threads); kept if it is deleted.
    template = models.ForeignKey(
        "content.MessageTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    # A WhatsApp quick-reply tap (inbound): the button's id and the text the contact saw.
    button_payload = models.CharField(max_length=256, blank=True)
    button_text = models.CharField(max_length=256, blank=True)
    messaging_service_sid = models.CharField(max_length=34, blank=True)
    account_sid = models.CharField(max_length=34, blank=True)
    via_master = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    status_rank = models.PositiveSmallIntegerField(default=STATUS_RANK[Status.QUEUED])
    segments = models.PositiveSmallIntegerField(default=0)
    encoding = models.CharField(max_length=8, blank=True)
    estimated_price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    price_unit = models.CharField(max_length=3, blank=True)
    sid = models.CharField("Twilio SID", max_length=34, null=True, blank=True, unique=True)
    error_code = models.IntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    # Send-task bookkeeping: attempts at the gateway, and how often the outbox sweeper
    # re-enqueued the message (a re-enqueued message first checks Twilio for an earlier send).
    send_attempts = models.PositiveSmallIntegerField(default=0)
    sweeps = models.PositiveSmallIntegerField(default=0)
    reconciles = models.PositiveSmallIntegerField(default=0)
    # Exactly-once: since when an attempt may have reached Twilio without its answer reaching
    # us (the earliest such attempt's start), and until when a look-up that finds nothing is
    # not yet proof that nothing was sent. Both empty: no attempt is in doubt.
    in_doubt_since = models.DateTimeField(null=True, blank=True)
    doubt_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Keyset pagination of a tenant's log: (created_at, id) below the cursor.
            models.Index(fields=["tenant", "created_at", "id"], name="msg_tenant_created"),
            models.Index(fields=["tenant", "to_number", "created_at"], name="msg_tenant_to"),
            models.Index(fields=["tenant", "from_number", "created_at"], name="msg_tenant_from"),
            models.Index(fields=["conversation", "created_at"], name="msg_conversation"),
            # No index holds a column that a status callback changes (status, timestamps,
            # updated_at), so PostgreSQL can apply callbacks as HOT updates (see the
            # fillfactor in the migration). The outbox sweeper reads the few rows not yet
            # handed to Twilio; the reconciler reads recent messages by creation time.
            models.Index(fields=["created_at"], condition=Q(sid__isnull=True), name="msg_outbox"),
            models.Index(fields=["created_at"], name="msg_created"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel} to {self.to_number} ({self.status})"

    @property
    def is_final(self) -> bool:
        return self.status_rank >= FINAL_RANK

    @property
    def estimated_price_unit(self) -> str:
        """Estimates are made in USD (see `messaging.pricing`)."""
        return "USD" if self.estimated_price is not None else ""

    @property
    def contact_number(self) -> str:
        return self.to_number if self.direction == Direction.OUTBOUND else self.from_number

    @property
    def our_number(self) -> str:
        return self.from_number if self.direction == Direction.OUTBOUND else self.to_number


def media_storage():
    """Where inbound media is kept: `STORAGES["messaging_media"]` (disk, or S3). Read on
    every use (the field's own storage is fixed when models load), so settings apply."""
    from django.core.files.storage import storages

    return storages["messaging_media"]


class MessageMedia(TenantOwned):
    """One media item of an inbound message: Twilio's URL (which needs the account's
    credentials) and, once downloaded, the platform's own copy of the file."""

    class Refusal(models.TextChoices):
        TOO_LARGE = "too_large", "Larger than the size limit"
        TYPE_NOT_ALLOWED = "type_not_allowed", "Content type not allowed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="media", db_constraint=False
    )
    position = models.PositiveSmallIntegerField()
    sid = models.CharField(max_length=34, blank=True)
    url = models.URLField(max_length=500)
    content_type = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_error = models.TextField(blank=True)
    file = models.FileField(storage=media_storage, max_length=300, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    stored_at = models.DateTimeField(null=True, blank=True)
    refusal = models.CharField(max_length=20, choices=Refusal.choices, blank=True)

    class Meta:
        ordering = ["message", "position"]
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="media_unique_position")
        ]

    def __str__(self) -> str:
        return f"media {self.position} of {self.message_id}"

    @property
    def is_stored(self) -> bool:
        return self.stored_at is not None and bool(self.file)


class OptOut(TenantOwned):
    """A number (or, on the email channel, an address: the suppression list) that must not
    be messaged by this tenant on this channel."""

    class Source(models.TextChoices):
        KEYWORD = "keyword", "Keyword (STOP)"
        MANUAL = "manual", "Added by hand"
        IMPORT = "import", "CSV import"
        TWILIO = "twilio", "Reported by Twilio (21610)"
        UNSUBSCRIBE = "unsubscribe", "Unsubscribe link"
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=254)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.SMS)
    source = models.CharField(max_length=16, choices=Source.choices)
    keyword = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "number", "channel"], name="optout_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.channel})"


register_labels("optout_source", OptOut.Source)


class ConsentEvent(TenantOwned):
    """Append-only ledger of every opt-in and opt-out: rows are never changed or deleted."""

    class Action(models.TextChoices):
        OPT_OUT = "opt_out", "Opted out"
        OPT_IN = "opt_in", "Opted in"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=254)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    action = models.CharField(max_length=8, choices=Action.choices)
    source = models.CharField(max_length=16)
    keyword = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "number", "created_at"], name="consent_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.action} ({self.source})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The consent ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The consent ledger is append-only.")


class MessagingSettings(TenantOwned):
    """The tenant's keyword replies (STOP confirmation, START confirmation, HELP answer)."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="messaging_settings"
    )
    opt_out_reply = models.CharField(max_length=320, blank=True)
    opt_in_reply = models.CharField(max_length=320, blank=True)
    help_reply = models.CharField(max_length=320, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "messaging settings"

    def __str__(self) -> str:
        return f"Messaging settings of tenant {self.tenant_id}"


class IdempotencyRecord(TenantOwned):
    """The first response to a POST carrying an `Idempotency-Key`, replayed for repeats."""

    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


class WebhookEvent(models.Model):
    """A raw Twilio callback about a message, kept once per (MessageSid, status).

    Deduplicating on the pair, not the SID alone, keeps every later status of a message.
    Inbound messages are recorded with the status `received`; statuses found by the
    reconciler are recorded with `kind=reconcile`. On PostgreSQL the table is partitioned by
    month of `received_at`, and a repeated (SID, status) is skipped by its key trigger
    (`isvplatform.partitions`): insert with `ON CONFLICT DO NOTHING`, naming no columns.
    """

    class Kind(models.TextChoices):
        STATUS = "status", "Status callback"
        INBOUND = "inbound", "Inbound message"
        RECONCILE = "reconcile", "Fetched by reconciliation"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    message_sid = models.CharField(max_length=34)
    status = models.CharField(max_length=20)
    account_sid = models.CharField(max_length=34, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_sid", "status"], name="webhookevent_unique_sid_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_sid} {self.status}"
