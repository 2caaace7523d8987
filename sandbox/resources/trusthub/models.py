from django.db import models

from sandbox.core.models import Account


class Bundle(models.Model):
    """A customer profile or a trust product (both BU...)."""

    class Kind(models.TextChoices):
        CUSTOMER_PROFILE = "customer_profile"
        TRUST_PRODUCT = "trust_product"

    class Status(models.TextChoices):
        DRAFT = "draft"
        PENDING_REVIEW = "pending-review"
        IN_REVIEW = "in-review"
        TWILIO_REJECTED = "twilio-rejected"
        TWILIO_APPROVED = "twilio-approved"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="bundles")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    policy_sid = models.CharField(max_length=34)
    friendly_name = models.CharField(max_length=255)
    email = models.CharField(max_length=255)
    status_callback = models.TextField(blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    errors = models.JSONField(default=list, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class EndUser(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="end_users")
    friendly_name = models.CharField(max_length=255)
    type = models.CharField(max_length=64)
    attributes = models.JSONField(default=dict, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class SupportingDocument(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="supporting_documents"
    )
    friendly_name = models.CharField(max_length=255)
    type = models.CharField(max_length=64)
    attributes = models.JSONField(default=dict, blank=True)
    mime_type = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=24, default="DRAFT")
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class EntityAssignment(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="assignments")
    object_sid = models.CharField(max_length=34)
    date_created = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "object_sid"], name="sandbox_trusthub_one_assignment"
            )
        ]

    def __str__(self) -> str:
        return self.sid


class Evaluation(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="evaluations")
    policy_sid = models.CharField(max_length=34)
    status = models.CharField(max_length=16)
    results = models.JSONField(default=list)
    date_created = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid
