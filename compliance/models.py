"""A2P 10DLC registrations: versioned submissions and the Twilio objects each one drives.

A `Registration` is one version: a snapshot of the business and campaign facts as submitted,
read-only once submitted. It points at the TrustHub customer profile, the A2P trust product,
the brand and the campaign that carry it to Twilio; a later version reuses the earlier
version's TrustHub objects and brand when the business facts did not change.

Every Twilio object has the same review state machine (`ReviewStatus`), keeps Twilio's raw
status beside it, and is polled with backoff until it is final.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from compliance.vocab import SOLE_PROP_OTP_HOURS, BrandType
from tenants.models import TenantOwned


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


STATUS_WORDS = {
    "draft": "draft",
    "submitted": "submitted",
    "in_review": "in review",
    "approved": "approved",
    "rejected": "rejected",
    "superseded": "replaced by a newer version",
}
FINAL_REVIEW_STATUSES = frozenset({ReviewStatus.APPROVED, ReviewStatus.REJECTED})
# Which moves each object may make; anything else is ignored (a late or repeated poll).
ALLOWED_MOVES = {
    ReviewStatus.DRAFT: {ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.REJECTED},
    ReviewStatus.SUBMITTED: {ReviewStatus.IN_REVIEW, ReviewStatus.APPROVED, ReviewStatus.REJECTED},
    ReviewStatus.IN_REVIEW: {ReviewStatus.APPROVED, ReviewStatus.REJECTED},
    ReviewStatus.APPROVED: set(),
    ReviewStatus.REJECTED: set(),
}


class TwilioReviewed(TenantOwned):
    """A Twilio object under review: its SID, both statuses, reasons and polling schedule."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sid = models.CharField("Twilio SID", max_length=34, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    raw_status = models.CharField("Twilio status", max_length=40, blank=True)
    # [{"code", "field", "message"}] in words the owner understands.
    errors = models.JSONField(default=list, blank=True)
    failure_reason = models.TextField(blank=True)
    # The last Twilio call that failed for this object (kept raw for staff).
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    poll_attempts = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    step: str = ""
    audit_prefix: str = "a2p"

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.sid or '(not created)'}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_REVIEW_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status == ReviewStatus.APPROVED


class CustomerProfile(TwilioReviewed):
    """The tenant's secondary customer profile in TrustHub (a BU bundle) and its parts."""

    step = "customer_profile"

    policy_sid = models.CharField(max_length=34)
    friendly_name = models.CharField(max_length=200)
    business_info_sid = models.CharField(max_length=34, blank=True)
    representative_sids = models.JSONField(default=list, blank=True)
    address_sid = models.CharField(max_length=34, blank=True)
    address_document_sid = models.CharField(max_length=34, blank=True)
    # object SID -> entity assignment SID (BV...), filled as each is assigned.
    assignments = models.JSONField(default=dict, blank=True)
    evaluation_sid = models.CharField(max_length=34, blank=True)
    evaluation_status = models.CharField(max_length=16, blank=True)

    class Meta(TwilioReviewed.Meta):
        verbose_name = "customer profile"


class TrustProduct(TwilioReviewed):
    """The A2P messaging profile trust product in TrustHub, linked to the customer profile."""

    step = "trust_product"

    customer_profile = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="trust_products"
    )
    policy_sid = models.CharField(max_length=34)
    friendly_name = models.CharField(max_length=200)
    profile_info_sid = models.CharField(max_length=34, blank=True)
    assignments = models.JSONField(default=dict, blank=True)
    evaluation_sid = models.CharField(max_length=34, blank=True)
    evaluation_status = models.CharField(max_length=16, blank=True)

    class Meta(TwilioReviewed.Meta):
        verbose_name = "trust product"


class A2PBrand(TwilioReviewed):
    """The brand registration with the carriers (BN...), with its trust score and vetting."""

    step = "brand"

    customer_profile = models.ForeignKey(
        CustomerProfile, on_delete=models.PROTECT, related_name="brands"
    )
    trust_product = models.ForeignKey(TrustProduct, on_delete=models.PROTECT, related_name="brands")
    brand_type = models.CharField(max_length=24, choices=BrandType.choices)
    tcr_id = models.CharField("TCR brand id", max_length=40, blank=True)
    brand_score = models.IntegerField("trust score", null=True, blank=True)
    identity_status = models.CharField(max_length=24, blank=True)
    brand_feedback = models.JSONField(default=list, blank=True)
    vetting_sid = models.CharField(max_length=34, blank=True)
    vetting_status = models.CharField(max_length=24, blank=True)
    vetting_class = models.CharField(max_length=24, blank=True)
    throughput_tier = models.CharField(max_length=200, blank=True)
    # A sole proprietor's OTP: when Twilio texted it (first seen, or resent), and a resend
    # the owner asked for that the task has not sent yet.
    otp_sent_at = models.DateTimeField("OTP texted at", null=True, blank=True)
    otp_resend_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta(TwilioReviewed.Meta):
        verbose_name = "A2P brand"

    @property
    def awaiting_otp(self) -> bool:
        """Approved by the carriers, not yet confirmed by the owner's YES to the OTP text."""
        return (
            self.brand_type == BrandType.SOLE_PROPRIETOR
            and self.raw_status == "APPROVED"
            and self.identity_status != "VERIFIED"
            and not self.is_final
        )

    @property
    def otp_expires_at(self):
        if self.otp_sent_at is None:
            return None
        return self.otp_sent_at + timedelta(hours=SOLE_PROP_OTP_HOURS)


class A2PCampaign(TwilioReviewed):
    """The A2P campaign (UsAppToPerson) registered on one messaging service for a brand."""

    step = "campaign"

    brand = models.ForeignKey(A2PBrand, on_delete=models.PROTECT, related_name="campaigns")
    messaging_service_sid = models.CharField(max_length=34)
    use_case = models.CharField(max_length=40)
    campaign_id = models.CharField("TCR campaign id", max_length=40, blank=True)
    rate_limits = models.JSONField(default=dict, blank=True)

    class Meta(TwilioReviewed.Meta):
        verbose_name = "A2P campaign"
        constraints = [
            models.UniqueConstraint(
                fields=["messaging_service_sid"],
                condition=~Q(status="rejected"),
                name="one_live_campaign_per_messaging_service",
            )
        ]


class Registration(TenantOwned):
    """One version of a tenant's 10DLC registration: a snapshot, read-only once submitted."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    class Step(models.TextChoices):
        CUSTOMER_PROFILE = "customer_profile", "Business profile (TrustHub)"
        TRUST_PRODUCT = "trust_product", "A2P messaging profile (TrustHub)"
        BRAND = "brand", "Brand registration"
        MESSAGING_SERVICE = "messaging_service", "Messaging service"
        CAMPAIGN = "campaign", "Campaign registration"
        DONE = "done", "Done"

    OPEN_STATUSES = (Status.SUBMITTED, Status.IN_REVIEW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    step = models.CharField(max_length=24, choices=Step.choices, default=Step.CUSTOMER_PROFILE)
    is_active = models.BooleanField(
        default=False, help_text="The approved version whose campaign the tenant sends under."
    )
    snapshot = models.JSONField(default=dict)
    business_digest = models.CharField(max_length=64, blank=True)
    brand_type = models.CharField(max_length=24, choices=BrandType.choices)
    use_case = models.CharField(max_length=40, blank=True)
    customer_profile = models.ForeignKey(
        CustomerProfile, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trust_product = models.ForeignKey(
        TrustProduct, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    brand = models.ForeignKey(
        A2PBrand, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    campaign = models.OneToOneField(
        A2PCampaign, null=True, blank=True, on_delete=models.PROTECT, related_name="registration"
    )
    messaging_service_sid = models.CharField(max_length=34, blank=True)
    # True when this version registers on a fresh messaging service because an earlier
    # version's campaign is live on the tenant's; numbers move over once it is verified.
    needs_cutover = models.BooleanField(default=False)
    rejection_reason = models.TextField(blank=True)
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    running_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "version"], name="registration_version"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_active=True), name="one_active_registration"
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(status__in=["draft", "submitted", "in_review"]),
                name="one_open_registration",
            ),
        ]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"10DLC registration v{self.version} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class StatusTransition(TenantOwned):
    """One move of a registration or one of its Twilio objects, with when and why."""

    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="transitions"
    )
    object_type = models.CharField(max_length=24)
    object_id = models.CharField(max_length=64)
    sid = models.CharField(max_length=34, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    raw_status = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["tenant", "at"])]

    def __str__(self) -> str:
        return f"{self.object_type} {self.from_status or '-'} -> {self.to_status}"

    def get_to_status_words(self) -> str:
        return STATUS_WORDS.get(self.to_status, self.to_status)


class TollFreeVerification(TwilioReviewed):
    """One version of a toll-free number's verification: the facts as submitted and Twilio's
    review of them. An edit within Twilio's edit window keeps the SID and bumps the version;
    after the window a new verification (a new row) starts from the standard queue."""

    step = "toll_free_verification"
    audit_prefix = "tollfree"

    phone_number = models.ForeignKey(
        "provisioning.PhoneNumber", on_delete=models.CASCADE, related_name="toll_free_verifications"
    )
    version = models.PositiveIntegerField(default=1)
    snapshot = models.JSONField(default=dict)
    edit_allowed = models.BooleanField(null=True, blank=True)
    edit_expiration = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(TwilioReviewed.Meta):
        verbose_name = "toll-free verification"
        indexes = [models.Index(fields=["status", "next_poll_at"])]

    @property
    def can_edit(self) -> bool:
        """Twilio takes an edit of a rejection it marked editable, until the window closes."""
        return (
            self.status == ReviewStatus.REJECTED
            and bool(self.edit_allowed)
            and (self.edit_expiration is None or self.edit_expiration > timezone.now())
        )
