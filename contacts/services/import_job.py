"""The import job's body: claim the import, read chunks of rows from the last checkpoint,
write each chunk and its checkpoint in one transaction, and finish.

A worker killed mid-chunk loses only that chunk's uncommitted work: its lease runs out and
the next run (the task redelivered, or the sweeper's) resumes at `resume_offset`. Every
chunk's write is guarded by the claim, so two workers never write the same chunk.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from contacts import enqueue
from contacts.csvfile import count_lines, records
from contacts.filters import field_types
from contacts.models import ContactImport, ContactImportError
from contacts.services.import_rows import Plan, read_row
from contacts.services.import_upsert import upsert_chunk
from isvplatform import claims
from tenants.services import Actor

logger = logging.getLogger(__name__)
Status = ContactImport.Status
RUNNABLE = (Status.QUEUED, Status.RUNNING)


class ClaimLost(Exception):
    """Another worker holds the import now (this one's lease ran out)."""


@dataclass(frozen=True)
class Chunk:
    results: list  # of RowResult
    end: int
    done: bool


def chunk_size() -> int:
    return getattr(settings, "CONTACT_IMPORT_CHUNK_ROWS", 1000)


def _lease() -> float:
    return getattr(settings, "CONTACT_IMPORT_LEASE_SECONDS", 300.0)


def read_chunk(job: ContactImport, plan: Plan) -> Chunk:
    """Up to one chunk of rows from the checkpoint, as row results."""
    results = []
    end = job.resume_offset
    with job.file.open("rb") as stream:
        reader = records(stream, offset=job.resume_offset, delimiter=job.delimiter)
        for record in reader:
            # Spreadsheet row numbers: the header is row 1.
            row = job.processed_rows + len(results) + 2
            results.append(read_row(record, row, plan))
            end = record.end
            if len(results) >= chunk_size():
                break
        else:
            return Chunk(results=results, end=end, done=True)
    return Chunk(results=results, end=end, done=False)


def _write_chunk(job: ContactImport, held: claims.Claim, chunk: Chunk, actor: Actor) -> None:
    queryset = ContactImport.objects.filter(status=Status.RUNNING)
    clean = [r.data for r in chunk.results if not r.errors]
    errors = [
        ContactImportError(
            tenant=job.tenant, contact_import=job, row=r.row, column=c[:255], value=v, message=m
        )
        for r in chunk.results
        for c, v, m in r.errors
    ]
    bad_rows = sum(1 for r in chunk.results if r.errors)
    with transaction.atomic():
        if not claims.holds(queryset, held).select_for_update().exists():
            raise ClaimLost(str(job.pk))
        counts = upsert_chunk(job, clean, actor)
        ContactImportError.objects.bulk_create(errors, batch_size=1000)
        claims.holds(queryset, held).update(
            resume_offset=chunk.end,
            processed_rows=F("processed_rows") + len(chunk.results),
            created_count=F("created_count") + counts.created,
            updated_count=F("updated_count") + counts.updated,
            error_count=F("error_count") + bad_rows,
            claimed_until=timezone.now() + timezone.timedelta(seconds=_lease()),
        )


def _claim(import_id: str) -> tuple[ContactImport, claims.Claim] | None:
    queryset = ContactImport.objects.filter(status__in=RUNNABLE)
    held = claims.claim(queryset, import_id, seconds=_lease(), status=Status.RUNNING)
    if held is None:
        return None
    job = ContactImport.objects.select_related("tenant").get(pk=import_id)
    if job.started_at is None or job.total_rows is None:
        try:
            with job.file.open("rb") as stream:
                total = max(count_lines(stream) - 1, 0)
        except OSError as err:
            _fail(job, held, f"The uploaded file can't be read: {err}")
            return None
        job.started_at = job.started_at or timezone.now()
        job.total_rows = total
        ContactImport.objects.filter(pk=job.pk).update(started_at=job.started_at, total_rows=total)
    return job, held


def _finish(job: ContactImport, held: claims.Claim) -> None:
    queryset = ContactImport.objects.filter(status=Status.RUNNING)
    job.refresh_from_db(fields=["processed_rows"])
    claims.release(
        queryset,
        held,
        status=Status.COMPLETED,
        finished_at=timezone.now(),
        total_rows=job.processed_rows,
    )


def _fail(job: ContactImport, held: claims.Claim, reason: str) -> None:
    claims.release(
        ContactImport.objects.filter(status=Status.RUNNING),
        held,
        status=Status.FAILED,
        failure=reason[:2000],
        finished_at=timezone.now(),
    )


def import_run(import_id: str, *, max_chunks: int | None = None) -> str:
    """Import chunks until the file ends (or `max_chunks`, then queue the rest as a new
    task run, so no single task runs for long). Idempotent: an import another worker holds,
    or one that is finished, is left alone. Returns the import's status."""
    taken = _claim(import_id)
    if taken is None:
        job = ContactImport.objects.filter(pk=import_id).first()
        return job.status if job else "missing"
    job, held = taken
    actor = Actor.system()
    plan = Plan.build(job.columns, job.mapping, field_types(job.tenant))
    budget = max_chunks if max_chunks is not None else settings.CONTACT_IMPORT_CHUNKS_PER_TASK
    try:
        for _ in range(budget):
            job.refresh_from_db(fields=["resume_offset", "processed_rows", "status"])
            chunk = read_chunk(job, plan)
            for attempt in range(2):
                try:
                    _write_chunk(job, held, chunk, actor)
                    break
                except IntegrityError:
                    # A contact with a chunk's phone was added meanwhile: read it again.
                    if attempt:
                        raise
            if chunk.done:
                _finish(job, held)
                return Status.COMPLETED
    except ClaimLost:
        return "claim_lost"
    except (OSError, IntegrityError) as err:
        logger.exception("contact import %s failed", import_id)
        _fail(job, held, f"The import stopped: {err}")
        return Status.FAILED
    claims.release(ContactImport.objects.filter(status=Status.RUNNING), held)
    if max_chunks is None:
        enqueue.run_import(str(job.pk))
    return Status.RUNNING


def imports_to_resume() -> list[str]:
    """Queued or running imports nobody holds (a worker died, or a task was lost)."""
    stale = ContactImport.objects.filter(claims.free(), status__in=RUNNABLE)
    return [str(pk) for pk in stale.values_list("pk", flat=True)[:100]]
