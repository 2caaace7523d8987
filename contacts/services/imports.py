"""CSV imports before the job: upload (sniffed, size-checked), column mapping with the
consent the list carries, the dry-run preview, starting and cancelling the job."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from contacts import enqueue
from contacts.csvfile import records, sniff_header
from contacts.filters import CONSENT_CHANNELS, field_types, normalize_tag
from contacts.models import ConsentSource, Contact, ContactImport
from contacts.services.import_rows import (
    Plan,
    RowResult,
    guess_mapping,
    read_row,
    validate_mapping,
)
from tenants.models import Tenant
from tenants.services import Actor, record_audit

Status = ContactImport.Status
PREVIEW_ROWS = 20
# Files up to this size are read whole by the dry run, to count creates and updates.
PREVIEW_FULL_BYTES = 2 * 1024 * 1024


class ImportConflict(Exception):
    """The import's state doesn't allow the change (it is running or finished)."""


def max_upload_bytes() -> int:
    return settings.CONTACT_IMPORT_MAX_BYTES


def import_upload(*, tenant: Tenant, actor: Actor, upload: UploadedFile) -> ContactImport:
    """Store an uploaded CSV and read its header; nothing is imported until it is started."""
    if upload is None:
        raise ValidationError({"file": "Choose a CSV file."})
    if upload.size > max_upload_bytes():
        raise ValidationError(
            {"file": f"The file is larger than {max_upload_bytes() // (1024 * 1024)} MB."}
        )
    header = sniff_header(upload.file)
    upload.seek(0)
    name = (upload.name or "contacts.csv").replace("\x00", "")[-200:]
    job = ContactImport(
        tenant=tenant,
        original_name=name,
        size=upload.size,
        delimiter=header.delimiter,
        columns=header.columns,
        resume_offset=header.data_offset,
        mapping=guess_mapping(header.columns, list(field_types(tenant))),
        created_by=actor.user,
        actor_label=actor.label[:200],
    )
    job.file.save(f"{tenant.pk}-{job.pk}.csv", upload, save=False)
    job.save()
    record_audit(
        tenant=tenant, actor=actor, action="contact_import.uploaded", target=job,
        changes={"name": name, "size": upload.size},
    )  # fmt: skip
    return job


def _clean_options(job: ContactImport, data: Mapping[str, Any]) -> dict[str, Any]:
    """Mapping, consent and tags to add; consent to market needs the way it was collected."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    try:
        cleaned["mapping"] = validate_mapping(
            data.get("mapping", job.mapping), job.columns, field_types(job.tenant)
        )
    except ValidationError as err:
        errors.update(err.message_dict)
    channels = data.get("consent_channels", job.consent_channels) or []
    if not isinstance(channels, list) or any(c not in CONSENT_CHANNELS for c in channels):
        errors["consent_channels"] = ["Channels are: " + ", ".join(CONSENT_CHANNELS) + "."]
        channels = []
    source = data.get("consent_source", job.consent_source) or ""
    if channels and source not in ConsentSource.values:
        errors["consent_source"] = [
            "Say how this list's consent was collected: it is required to import opt-ins."
        ]
    cleaned["consent_channels"] = sorted(set(channels))
    cleaned["consent_source"] = source if channels else ""
    tags = data.get("add_tags", job.add_tags) or ""
    if not isinstance(tags, str) or len(tags) > 500 or "\x00" in tags:
        errors["add_tags"] = ["Give comma-separated tags, at most 500 characters."]
        tags = ""
    cleaned["add_tags"] = ",".join(sorted({normalize_tag(t) for t in tags.split(",")} - {""}))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _editable(job: ContactImport) -> None:
    if job.status != Status.UPLOADED:
        raise ImportConflict("The import has started; its settings can't change.")


def import_configure(*, job: ContactImport, actor: Actor, data: Mapping[str, Any]) -> ContactImport:
    """Save the column mapping and consent options (before the start)."""
    _editable(job)
    for name, value in _clean_options(job, data).items():
        setattr(job, name, value)
    job.save(update_fields=["mapping", "consent_channels", "consent_source", "add_tags"])
    return job


@dataclass
class Preview:
    rows: list[dict[str, Any]] = field(default_factory=list)
    would_create: int = 0
    would_update: int = 0
    error_rows: int = 0
    counted_rows: int = 0
    whole_file: bool = False


def _preview_row(result: RowResult) -> dict[str, Any]:
    data = {k: v for k, v in result.data.items() if k != "consent"}
    if "tags" in data:
        data["tags"] = [t for t in data["tags"].split(",") if t]
    return {
        "row": result.row,
        "contact": data,
        "errors": [{"column": c, "value": v, "message": m} for c, v, m in result.errors],
    }


def _scan(job: ContactImport, stream: IO[bytes], plan: Plan, limit: int | None) -> Preview:
    preview = Preview()
    phones: set[str] = set()
    for index, record in enumerate(
        records(stream, offset=job.resume_offset, delimiter=job.delimiter)
    ):
        if limit is not None and index >= limit:
            break
        result = read_row(record, index + 2, plan)
        if index < PREVIEW_ROWS:
            preview.rows.append(_preview_row(result))
        preview.counted_rows += 1
        if result.errors:
            preview.error_rows += 1
        else:
            phones.add(result.data["phone"])
    existing = set()
    contacts = Contact.objects.for_tenant(job.tenant)
    phone_list = list(phones)
    for start in range(0, len(phone_list), 1000):
        batch = phone_list[start : start + 1000]
        existing |= set(contacts.filter(phone__in=batch).values_list("phone", flat=True))
    preview.would_update = len(existing)
    preview.would_create = len(phones) - len(existing)
    return preview


def import_preview(*, job: ContactImport, data: Mapping[str, Any]) -> Preview:
    """The dry run: the first rows parsed and validated with the options given (nothing is
    saved), and how many contacts the import would create or update (counted over the whole
    file when it is small, over the preview rows otherwise)."""
    options = _clean_options(job, data)
    plan = Plan.build(job.columns, options["mapping"], field_types(job.tenant))
    whole = job.size <= PREVIEW_FULL_BYTES
    with job.file.open("rb") as stream:
        preview = _scan(job, stream, plan, None if whole else PREVIEW_ROWS)
    preview.whole_file = whole
    return preview


def import_start(
    *, job: ContactImport, actor: Actor, data: Mapping[str, Any] | None = None
) -> ContactImport:
    """Save the options given and queue the job (202: follow its progress)."""
    _editable(job)
    with transaction.atomic():
        for name, value in _clean_options(job, data or {}).items():
            setattr(job, name, value)
        job.status = Status.QUEUED
        job.save()
        record_audit(
            tenant=job.tenant, actor=actor, action="contact_import.started", target=job,
            changes={"mapping": job.mapping, "consent_channels": job.consent_channels,
                     "consent_source": job.consent_source},
        )  # fmt: skip
        enqueue.run_import(str(job.pk))
    return job


def import_cancel(*, job: ContactImport, actor: Actor) -> ContactImport:
    """Stop an import: rows already imported stay."""
    if job.status not in (Status.UPLOADED, Status.QUEUED, Status.RUNNING):
        raise ImportConflict("The import has finished.")
    with transaction.atomic():
        ContactImport.objects.filter(pk=job.pk).update(status=Status.CANCELLED)
        record_audit(tenant=job.tenant, actor=actor, action="contact_import.cancelled", target=job)
    job.refresh_from_db()
    return job
