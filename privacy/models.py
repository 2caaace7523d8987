"""Privacy records: forget-this-person erasures, the keyed-hash suppressions they leave
behind, and a tenant's full data exports.

A forgotten person's opt-out survives only as `SuppressionHash`: an HMAC of the address
under a key derived from the platform's encryption keys (`privacy.hashing`), scoped to the
tenant, so the address can't be read back from it but every send path still finds it.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone

from isvplatform.claims import Claimable
from isvplatform.fields import EncryptedTextField
from isvplatform.labels import register_labels
from tenants.models import TenantOwned


def export_storage():
    """Where exports are written: `STORAGES[PRIVACY_EXPORT_STORAGE]` (disk by default, or a
    django-storages bucket). Files are only ever served through the authenticated view."""
    return storages[settings.PRIVACY_EXPORT_STORAGE]


class SubjectKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"


class SuppressionHash(TenantOwned):
    """An opt-out (or email suppression) of a forgotten person, kept as a keyed hash."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    digest = models.CharField(max_length=64)
    # The encryption key the HMAC key was derived from: a check tries every listed key and
    # re-keys a row it found under an older one (see `privacy.suppression`).
    key_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=16)
    source = models.CharField(max_length=16, blank=True)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "digest", "channel"], name="suppressionhash_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.digest[:12]}… ({self.channel})"


class PrivacyJob(TenantOwned, Claimable):
    """What an erasure and an export share: who asked, when, and how its attempts went."""

    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class ErasureRequest(PrivacyJob):
    """A request to forget one person of a tenant. The address itself is kept (encrypted)
    only until the erasure completes; afterwards only its keyed hash remains."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Erasing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_kind = models.CharField(max_length=8, choices=SubjectKind.choices)
    subject_hash = models.CharField(max_length=64, db_index=True)
    subject_hint = models.CharField(max_length=32, blank=True)
    subject = EncryptedTextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # The step under way (an index into `privacy.services.erasure_steps.STEPS`).
    step = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    timeline = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="erasure_status")]

    def __str__(self) -> str:
        return f"Erasure of {self.get_subject_kind_display().lower()} {self.subject_hint}"

    @property
    def total(self) -> int:
        return sum(int(v) for v in (self.counts or {}).values())


class DataExport(PrivacyJob):
    """A tenant's full data export: a ZIP of one JSON-lines file per table, no secrets."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Writing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    tables_done = models.PositiveSmallIntegerField(default=0)
    tables_total = models.PositiveSmallIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    file = models.FileField(storage=export_storage, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expires_at"], name="dataexport_status")]

    def __str__(self) -> str:
        return f"Data export of {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_downloadable(self) -> bool:
        return (
            self.status == self.Status.READY
            and bool(self.file)
            and (self.expires_at is None or self.expires_at > timezone.now())
        )


register_labels("erasure_status", ErasureRequest.Status)
register_labels("export_status", DataExport.Status)
