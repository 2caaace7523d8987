from django.db import models

from sandbox.core.models import Account


class Brand(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        APPROVED = "APPROVED"
        FAILED = "FAILED"
        IN_REVIEW = "IN_REVIEW"
        DELETION_PENDING = "DELETION_PENDING"
        DELETION_FAILED = "DELETION_FAILED"
        SUSPENDED = "SUSPENDED"

    sid = models.CharField(max_length=34, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="a2p_brands")
    customer_profile_bundle_sid = models.CharField(max_length=34)
    a2p_profile_bundle_sid = models.CharField(max_length=34)
    brand_type = models.CharField(max_length=24, default="STANDARD")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PENDING)
    tcr_id = models.CharField(max_length=16, blank=True)
    failure_reason = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    brand_score = models.IntegerField(null=True, blank=True)
    brand_feedback = models.JSONField(default=list, blank=True)
    identity_status = models.CharField(max_length=24, blank=True)
    skip_automatic_sec_vet = models.BooleanField(default=False)
    mock = models.BooleanField(default=False)
    next_transition_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # A sole proprietor's OTP: the mobile it was texted to, and until when a YES verifies it.
    otp_mobile = models.CharField(max_length=20, blank=True)
    otp_sent_at = models.DateTimeField(null=True, blank=True)
    otp_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid


class Vetting(models.Model):
    sid = models.CharField(max_length=34, unique=True)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="vettings")
    vetting_provider = models.CharField(max_length=24)
    vetting_id = models.CharField(max_length=255, blank=True)
    vetting_class = models.CharField(max_length=24, blank=True)
    vetting_status = models.CharField(max_length=24, default="PENDING")
    next_transition_at = models.DateTimeField(null=True, blank=True)
    date_created = models.DateTimeField()
    date_updated = models.DateTimeField()

    class Meta:
        ordering = ["date_created", "id"]

    def __str__(self) -> str:
        return self.sid
