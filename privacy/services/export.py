"""A tenant's full data export (the right of access), written by a worker under a claim.

The ZIP is built in a local temporary file, one table at a time in keyset batches (the
progress is saved after each table), then handed to the export storage outside any
transaction. A worker that dies leaves a lease that runs out; the sweeper queues the export
again and it is rebuilt from the start (a rerun writes the same file). A ready export can be
downloaded until `expires_at`; then the sweeper deletes its file.
"""

import json
import tempfile
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from isvplatform import claims
from isvplatform.enqueue import publish_after_commit
from privacy.models import DataExport, export_storage
from privacy.services.export_tables import batches, row_json, tables
from tenants.models import Tenant
from tenants.services import Actor, record_audit

EXPORT_TASK = "privacy.export"
OPEN = (DataExport.Status.PENDING, DataExport.Status.RUNNING)


def export_request(*, tenant: Tenant, actor: Actor) -> DataExport:
    """Queue a full export; an export still being written is returned instead."""
    with transaction.atomic():
        existing = DataExport.objects.for_tenant(tenant).filter(status__in=OPEN).first()
        if existing is not None:
            return existing
        export = DataExport.objects.create(
            tenant=tenant,
            requested_by=actor.user,
            actor_label=actor.label,
            tables_total=len(tables()),
        )
        record_audit(tenant=tenant, actor=actor, action="privacy.export_requested", target=export)
        publish_after_commit(EXPORT_TASK, str(export.pk))
    return export


def export_run(export_id: str) -> bool:
    """Take the export and write it; False when another worker holds it or it is finished."""
    held = claims.claim(
        DataExport.objects.filter(status__in=OPEN),
        export_id,
        seconds=settings.PRIVACY_LEASE_SECONDS,
        status=DataExport.Status.RUNNING,
        attempts=F("attempts") + 1,
        progress=0,
        tables_done=0,
    )
    if held is None:
        return False
    export = DataExport.objects.select_related("tenant").get(pk=export_id)
    if export.attempts > settings.PRIVACY_MAX_ATTEMPTS:
        claims.release(
            DataExport.objects.all(),
            held,
            status=DataExport.Status.FAILED,
            error="Gave up after many attempts.",
            finished_at=timezone.now(),
        )
        return True
    with tempfile.TemporaryFile() as spool:
        counts = _write_zip(export, held, spool)
        if counts is None:
            return False
        spool.seek(0)
        name = export_storage().save(
            f"privacy-exports/{export.tenant_id}/{export.pk}.zip", File(spool)
        )
    return _complete(export, held, name, counts)


def _write_zip(export: DataExport, held: claims.Claim, spool) -> dict[str, int] | None:
    counts: dict[str, int] = {}
    found = tables()
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, table in enumerate(found, start=1):
            with archive.open(f"{table.name}.jsonl", "w") as out:
                for rows in batches(table, export.tenant, settings.PRIVACY_BATCH_SIZE):
                    out.write("".join(row_json(table.fields, r) + "\n" for r in rows).encode())
                    counts[table.name] = counts.get(table.name, 0) + len(rows)
            counts.setdefault(table.name, 0)
            if not _progress(held, done, len(found)):
                return None
        archive.writestr("manifest.json", json.dumps(_manifest(export, counts), indent=2))
    return counts


def _manifest(export: DataExport, counts: dict[str, int]) -> dict:
    return {
        "tenant": {"id": export.tenant_id, "name": export.tenant.name},
        "export_id": str(export.pk),
        "created_at": timezone.now().isoformat(),
        "format": "One JSON object per line and table; secrets and password hashes omitted.",
        "tables": counts,
    }


def _progress(held: claims.Claim, done: int, total: int) -> bool:
    until = timezone.now() + timedelta(seconds=settings.PRIVACY_LEASE_SECONDS)
    return bool(
        claims.holds(DataExport.objects.all(), held).update(
            claimed_until=until,
            tables_done=done,
            tables_total=total,
            progress=min(99, round(100 * done / total)),
        )
    )


def _complete(export: DataExport, held: claims.Claim, name: str, counts: dict) -> bool:
    storage = export_storage()
    now = timezone.now()
    with transaction.atomic():
        released = claims.release(
            DataExport.objects.all(),
            held,
            status=DataExport.Status.READY,
            progress=100,
            file=name,
            size=storage.size(name),
            counts=counts,
            error="",
            finished_at=now,
            expires_at=now + timedelta(hours=settings.PRIVACY_EXPORT_TTL_HOURS),
        )
        if released:
            record_audit(
                tenant=export.tenant,
                actor=Actor.system(),
                action="privacy.export_ready",
                target=export,
                changes={"rows": sum(counts.values())},
            )
    if not released:
        storage.delete(name)
    return released


def exports_due() -> list[str]:
    found = DataExport.objects.filter(status__in=OPEN).filter(claims.free())
    return [str(pk) for pk in found.order_by("created_at").values_list("pk", flat=True)[:200]]


def exports_expire(now=None) -> int:
    """Delete the files of ready exports past `expires_at` (the row stays, as expired)."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now)
    count = 0
    for pk, name in expired.values_list("pk", "file")[:500]:
        if name:
            export_storage().delete(name)
        count += DataExport.objects.filter(pk=pk, status=DataExport.Status.READY).update(
            status=DataExport.Status.EXPIRED, file=""
        )
    return count


def export_downloaded(*, export: DataExport, actor: Actor) -> None:
    """Each download is audited: the file holds all the tenant's data."""
    record_audit(
        tenant=export.tenant, actor=actor, action="privacy.export_downloaded", target=export
    )
