from django.db import models

from sandbox.core import cache
from sandbox.core.models import Account


class TollfreeVerification(models.Model):
    class Status(models.TextChoices):
        PENDING_REVIEW = "PENDING_REVIEW"
        IN_REVIEW = "IN_REVIEW"
        TWILIO_APPROVED = "TWILIO_APPROVED"
        TWILIO_REJECTED = "TWILIO_REJECTED"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="tollfree_verifications"
    )
    phone_number_sid = models.CharField(max_length=34, db_index=True)
    phone_number = models.CharField(max_length=20, db_index=True)
    # The submitted fields, keyed by their snake_case response names.
    fields = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING_REVIEW)
    rejection_reasons = models.JSONField(default=list, blank=True)
    edit_allowed = models.BooleanField(null=True, blank=True)
    edit_expiration = models.DateTimeField(null=True, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


cache.watch(TollfreeVerification)
