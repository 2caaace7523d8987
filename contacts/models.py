"""A tenant's contact book: contacts with typed custom fields and per-channel consent, CSV
imports run as background jobs, and audiences (static lists or saved filters).

Opt-outs stay in `messaging.OptOut` (and every consent change is also appended to the
`messaging.ConsentEvent` ledger); a contact's consent columns say when and how the contact
opted *in* on each channel, which marketing broadcasts require.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from isvplatform.claims import Claimable
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"


register_labels("contact_field_type", FieldType)


class ContactField(TenantOwned):
    """A custom field the tenant defined: contacts keep its values in `Contact.fields[key]`
    (numbers as JSON numbers, dates as ISO `YYYY-MM-DD` strings)."""

    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    type = models.CharField(max_length=8, choices=FieldType.choices, default=FieldType.TEXT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="contactfield_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.type})"


class ConsentSource(models.TextChoices):
    """How an opt-in was collected (kept with the opt-in, and in the consent ledger)."""

    WEB_FORM = "web_form", "Web form"
    PAPER_FORM = "paper_form", "Paper form"
    KEYWORD = "keyword", "Keyword (START / JOIN)"
    VERBAL = "verbal", "Verbal, recorded"
    PURCHASE = "purchase", "At purchase"
    IMPORT = "import", "Imported list with consent"
    API = "api", "Through the API"
    MANUAL = "manual", "Entered by hand"


register_labels("consent_source", ConsentSource)


class Contact(TenantOwned):
    """One person the tenant may message. The phone is E.164 and unique per tenant (a contact
    may have only an email). `time_zone` and `region` come from the number unless edited:
    marketing quiet hours are the recipient's local time, and some states (FL, OK) are
    stricter than the federal rule."""

    class TimeZoneSource(models.TextChoices):
        NUMBER = "number", "From the phone number"
        MANUAL = "manual", "Set by hand"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    whatsapp = models.CharField("WhatsApp number", max_length=20, blank=True)
    # Tags as ",vip,newsletter," so one `contains` finds a tag on SQLite and PostgreSQL alike.
    tags = models.CharField(max_length=1000, blank=True, default="")
    fields = models.JSONField(default=dict, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    time_zone_source = models.CharField(
        max_length=8, choices=TimeZoneSource.choices, default=TimeZoneSource.NUMBER
    )
    # ISO 3166-2 subdivision of the number where known ("US-FL"), for state quiet-hour laws.
    region = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)
    sms_consent_at = models.DateTimeField(null=True, blank=True)
    sms_consent_source = models.CharField(max_length=16, choices=ConsentSource.choices, blank=True)
    whatsapp_consent_at = models.DateTimeField(null=True, blank=True)
    whatsapp_consent_source = models.CharField(
        max_length=16, choices=ConsentSource.choices, blank=True
    )
    email_consent_at = models.DateTimeField(null=True, blank=True)
    email_consent_source = models.CharField(
        max_length=16, choices=ConsentSource.choices, blank=True
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "phone"], condition=~Q(phone=""), name="contact_unique_phone"
            )
        ]
        indexes = [models.Index(fields=["tenant", "created_at", "id"], name="contact_recent")]

    def __str__(self) -> str:
        return self.name or self.phone or self.email or str(self.id)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class ContactImport(TenantOwned, Claimable):
    """A CSV import run as a background job: the uploaded file, its column mapping, its
    progress (rows done, the byte offset to resume from) and its row-level errors."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded: map the columns"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(upload_to="contact-imports/", max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # The file's delimiter and its header row (repeated names made unique), sniffed at upload.
    delimiter = models.CharField(max_length=1, default=",")
    columns = models.JSONField(default=list, blank=True)
    # CSV header -> contact attribute ("phone", "first_name", "tags", "field:<key>", "" = skip).
    mapping = models.JSONField(default=dict, blank=True)
    # Consent collected with the list (required to add marketing opt-ins): channel and source.
    consent_channels = models.JSONField(default=list, blank=True)
    consent_source = models.CharField(max_length=16, choices=ConsentSource.choices, blank=True)
    add_tags = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # Where the next chunk starts in the file, so a restarted job resumes, not restarts.
    resume_offset = models.PositiveBigIntegerField(default=0)
    errors_file = models.FileField(upload_to="contact-imports/", max_length=300, blank=True)
    failure = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.original_name} ({self.status})"


register_labels("contact_import_status", ContactImport.Status)


class ContactImportError(TenantOwned):
    """One refused cell or row of an import, for the downloadable errors CSV. Written in the
    same transaction as the chunk it belongs to, so a resumed chunk never repeats one."""

    contact_import = models.ForeignKey(
        ContactImport, on_delete=models.CASCADE, related_name="row_errors"
    )
    # The row as a spreadsheet numbers it: the header is row 1.
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=255, blank=True)
    value = models.CharField(max_length=255, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["contact_import", "row", "id"]
        indexes = [models.Index(fields=["contact_import", "row"], name="importerror_row")]

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class Audience(TenantOwned):
    """Who a broadcast goes to: a static list of contacts, or a saved filter evaluated when
    it is counted or a broadcast launches (tags, custom fields, consent, last activity)."""

    class Kind(models.TextChoices):
        STATIC = "static", "Static list"
        FILTER = "filter", "Saved filter"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FILTER)
    filter = models.JSONField(default=dict, blank=True)
    members = models.ManyToManyField(
        Contact, through="AudienceMember", related_name="audiences", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="audience_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


register_labels("audience_kind", Audience.Kind)


class AudienceMember(TenantOwned):
    """One contact on a static audience."""

    audience = models.ForeignKey(Audience, on_delete=models.CASCADE, related_name="memberships")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["audience", "contact"], name="audiencemember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.audience_id}"
