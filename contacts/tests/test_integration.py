"""A large import through a real worker that is SIGKILLed mid-run: the next worker resumes
from the last checkpoint and every row ends up imported exactly once."""

import pytest
from django.db import transaction

from contacts.models import Contact, ContactImport
from contacts.services import import_start, import_upload
from contacts.tests.conftest import csv_text, csv_upload
from isvplatform.celery import app as celery_app
from isvplatform.testing.worker import wait_for

pytestmark = pytest.mark.integration
ROWS = 30_000


def test_a_killed_worker_resumes_the_import(celery_worker_factory, settings, tenant, actor):
    env = {
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "CONTACT_IMPORT_CHUNK_ROWS": "500",
        "CONTACT_IMPORT_CHUNKS_PER_TASK": "4",
        "CONTACT_IMPORT_LEASE_SECONDS": "2",
    }
    rows = [[f"+1813{3000000 + i:07d}", f"P{i}"] for i in range(ROWS)]
    job = import_upload(
        tenant=tenant, actor=actor, upload=csv_upload(csv_text(["phone", "first_name"], rows))
    )
    first = celery_worker_factory(env)
    with transaction.atomic():
        import_start(job=job, actor=actor)

    def progressed():
        job.refresh_from_db()
        return job.processed_rows >= 1000

    wait_for(progressed, timeout=120, interval=0.05)
    first.stop(kill=True)
    job.refresh_from_db()
    assert job.status == ContactImport.Status.RUNNING
    assert job.processed_rows < ROWS

    celery_worker_factory(env, queue=first.queue)

    # The sweeper (beat, every minute in production) finds the import once its lease ran out.
    def resumed():
        celery_app.tasks["contacts.resume_imports"].delay()
        job.refresh_from_db()
        return job.status == ContactImport.Status.COMPLETED

    wait_for(resumed, timeout=180, interval=1.0)
    assert (job.processed_rows, job.created_count, job.updated_count) == (ROWS, ROWS, 0)
    assert Contact.objects.for_tenant(tenant).count() == ROWS
