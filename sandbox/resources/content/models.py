from django.db import models

from sandbox.core.models import Account


class Content(models.Model):
    """A Content API item (`HX…`): its types exactly as the caller posted them."""

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contents")
    friendly_name = models.CharField(max_length=512, blank=True)
    language = models.CharField(max_length=16)
    variables = models.JSONField(default=dict, blank=True)
    types = models.JSONField(default=dict)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class WhatsAppApproval(models.Model):
    """The WhatsApp approval request of one Content and what Meta's review made of it."""

    class Status(models.TextChoices):
        RECEIVED = "received"
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"
        PAUSED = "paused"
        DISABLED = "disabled"

    content = models.OneToOneField(Content, on_delete=models.CASCADE, related_name="approval")
    name = models.CharField(max_length=512)
    category = models.CharField(max_length=32)
    content_type = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    rejection_reason = models.TextField(blank=True)
    allow_category_change = models.BooleanField(default=True)
    # The template's quality rating at Meta and how often it was paused for low quality.
    quality_rating = models.CharField(max_length=16, default="UNKNOWN")
    low_quality_strikes = models.PositiveSmallIntegerField(default=0)
    # A later event the magic name planned ("pause", "disable", "recategorize"), due at
    # `next_transition_at` once approved.
    planned_event = models.CharField(max_length=16, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.content.sid} {self.status}"
