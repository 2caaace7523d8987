"""WhatsApp message templates: one row per version of a tenant's Content API item (`HX…`)
and its WhatsApp approval.

A version is editable while it is a draft. Once sent to Twilio it is read-only: a rejected
version is edited by starting the next version (`previous` points back, `family` groups them),
and an approved one by "duplicate as new". Every status move is a `TemplateEvent`, the
template's timeline.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from content.vocab import EDITABLE, LIVE, UNDECIDED, ApprovalStatus, Category, ContentKind
from isvplatform.claims import Claimable
from isvplatform.labels import register_labels
from tenants.models import TenantOwned

register_labels("template_status", ApprovalStatus)
register_labels("template_category", Category)
register_labels("template_kind", ContentKind)


class MessageTemplate(TenantOwned, Claimable):
    class Source(models.TextChoices):
        PORTAL = "portal", "Written on the platform"
        SYNC = "sync", "Imported from Twilio"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Every version of one template shares the family id; `version` counts from 1.
    family = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_version"
    )
    name = models.CharField(max_length=512)
    language = models.CharField(max_length=16, default="en")
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.UTILITY)
    content_type = models.CharField(
        max_length=32, choices=ContentKind.choices, default=ContentKind.TEXT
    )
    body = models.TextField(max_length=1600, blank=True)
    footer = models.CharField(max_length=60, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    # [{"type": QUICK_REPLY|URL|PHONE_NUMBER|COPY_CODE, "title", "id"|"url"|"phone"}]
    buttons = models.JSONField(default=list, blank=True)
    # {"1": "sample"}: Meta's samples and the defaults at send time (wave2-facts §1.2).
    variables = models.JSONField(default=dict, blank=True)
    # whatsapp/authentication only.
    add_security_recommendation = models.BooleanField(default=True)
    code_expiration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    allow_category_change = models.BooleanField(default=True)

    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PORTAL)
    content_sid = models.CharField("Content SID", max_length=34, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT
    )
    raw_status = models.CharField("Twilio status", max_length=40, blank=True)
    rejection_reason = models.TextField(blank=True)
    # The category Meta filed it under when it differs from the one asked for (§1.3).
    meta_category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    # The last Twilio call that failed for this template (kept raw for staff).
    last_error_code = models.IntegerField(null=True, blank=True)
    last_error_message = models.TextField(blank=True)
    submit_attempts = models.PositiveIntegerField(default=0)
    next_submit_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    poll_attempts = models.PositiveIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-version"]
        verbose_name = "message template"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "family", "version"], name="template_family_version"
            ),
            models.UniqueConstraint(
                fields=["tenant", "content_sid"],
                condition=~Q(content_sid=""),
                name="template_content_sid",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_poll_at"], name="template_poll_due")]

    def __str__(self) -> str:
        return f"{self.name} ({self.language}) v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_undecided(self) -> bool:
        return self.status in UNDECIDED

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def is_approved(self) -> bool:
        return self.status == ApprovalStatus.APPROVED

    @property
    def can_resubmit(self) -> bool:
        """A rejected version is edited by starting the next one."""
        return self.status == ApprovalStatus.REJECTED and not self.has_next_version

    @property
    def has_next_version(self) -> bool:
        return MessageTemplate.objects.filter(previous_id=self.pk).exists()

    @property
    def effective_category(self) -> str:
        return self.meta_category or self.category


class TemplateEvent(TenantOwned):
    """One line of a template's timeline: a status move, a re-categorisation, or an action."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        SUBMITTED = "submitted", "Sent for approval"
        STATUS = "status", "Status changed"
        CATEGORY = "category", "Category changed by Meta"
        SUBMIT_FAILED = "submit_failed", "Twilio refused the submission"
        IMPORTED = "imported", "Imported from Twilio"
        NEW_VERSION = "new_version", "New version started"

    template = models.ForeignKey(MessageTemplate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_value = models.CharField(max_length=32, blank=True)
    to_value = models.CharField(max_length=32, blank=True)
    raw_status = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["tenant", "at"], name="template_event_tenant_at")]

    def __str__(self) -> str:
        return f"{self.template_id} {self.kind} {self.from_value or '-'} -> {self.to_value}"
