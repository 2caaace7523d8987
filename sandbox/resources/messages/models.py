from django.db import models

from sandbox.core.models import Account


class Message(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted"
        SCHEDULED = "scheduled"
        QUEUED = "queued"
        SENDING = "sending"
        SENT = "sent"
        DELIVERED = "delivered"
        UNDELIVERED = "undelivered"
        FAILED = "failed"
        RECEIVING = "receiving"
        RECEIVED = "received"
        READ = "read"
        CANCELED = "canceled"

    class Direction(models.TextChoices):
        INBOUND = "inbound"
        OUTBOUND_API = "outbound-api"
        OUTBOUND_REPLY = "outbound-reply"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="messages")
    messaging_service_sid = models.CharField(max_length=34, blank=True)
    from_address = models.CharField(max_length=64, blank=True)
    sender = models.CharField(max_length=64, blank=True, help_text="Chosen sender address.")
    to_address = models.CharField(max_length=64)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    direction = models.CharField(max_length=16, choices=Direction.choices)
    channel = models.CharField(max_length=16, default="sms")
    num_segments = models.PositiveSmallIntegerField(default=1)
    num_media = models.PositiveSmallIntegerField(default=0)
    price = models.DecimalField(max_digits=10, decimal_places=5, null=True, blank=True)
    free = models.BooleanField(default=False, help_text="Twilio's opt-out replies are free.")
    error_code = models.PositiveIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    status_callback = models.TextField(blank=True)
    opt_scope = models.CharField(max_length=64, blank=True)
    content_sid = models.CharField(max_length=34, blank=True)
    content_variables = models.TextField(blank=True)
    # A WhatsApp quick-reply tap: the button's text and id, and the message it answers.
    button_text = models.CharField(max_length=64, blank=True)
    button_payload = models.CharField(max_length=256, blank=True)
    replied_message_sid = models.CharField(max_length=34, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()
    date_sent = models.DateTimeField(null=True, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-date_created"], name="sandbox_msg_account_idx"),
            models.Index(fields=["to_address", "-date_created"], name="sandbox_msg_to_idx"),
            models.Index(fields=["from_address", "-date_created"], name="sandbox_msg_from_idx"),
        ]

    def __str__(self) -> str:
        return self.sid

    @property
    def outbound(self) -> bool:
        return self.direction != self.Direction.INBOUND


class Media(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="media")
    content_type = models.CharField(max_length=128)
    url = models.TextField()
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class OptOut(models.Model):
    """A handset that texted STOP: blocked for a sender number or a whole messaging service."""

    scope = models.CharField(max_length=64, help_text="Messaging service SID or sender address.")
    address = models.CharField(max_length=64, help_text="The handset, with channel prefix.")
    account_sid = models.CharField(max_length=34)
    date_created = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "scope"], name="sandbox_optout_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} opted out of {self.scope}"
