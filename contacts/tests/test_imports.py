"""CSV imports: sniffing, mapping, the dry run, bad rows reported, dedupe, consent source
required, and a large file run in chunks that resumes after an interruption."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError

from contacts.exports import import_errors_csv
from contacts.models import Contact, ContactImport, FieldType
from contacts.services import (
    import_configure,
    import_preview,
    import_run,
    import_start,
    import_upload,
)
from contacts.services import import_job as import_run_module
from contacts.tests.conftest import csv_text, csv_upload
from contacts.tests.factories import ContactFactory, ContactFieldFactory
from messaging.models import ConsentEvent

pytestmark = pytest.mark.django_db
Status = ContactImport.Status

MAPPING = {"Mobile": "phone", "First": "first_name", "Tags": "tags", "Age": "field:age"}


def upload(tenant, actor, text):
    return import_upload(tenant=tenant, actor=actor, upload=csv_upload(text))


def errors_of(job):
    body = b"".join(import_errors_csv(job).streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_header_is_sniffed_and_mapping_guessed(tenant, actor):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    job = upload(tenant, actor, "\ufeffMobile;First;Age;Notes\n+18135550100;Ana;30;x\n")
    assert job.delimiter == ";"
    assert job.columns == ["Mobile", "First", "Age", "Notes"]
    assert job.mapping == {
        "Mobile": "phone",
        "First": "first_name",
        "Age": "field:age",
        "Notes": "",
    }


@pytest.mark.parametrize(
    "content",
    [b"", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "naïve,b\n".encode("latin-1") * 10],
)
def test_unreadable_files_are_refused_on_the_file_field(tenant, actor, content):
    with pytest.raises(ValidationError) as caught:
        import_upload(tenant=tenant, actor=actor, upload=csv_upload(content))
    assert "file" in caught.value.message_dict


def test_size_limit(tenant, actor, settings):
    settings.CONTACT_IMPORT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        upload(tenant, actor, "phone\n+18135550100\n")
    assert "larger than" in caught.value.message_dict["file"][0]


def test_mapping_and_consent_are_validated(tenant, actor):
    job = upload(tenant, actor, "Mobile,First\n+18135550100,Ana\n")
    with pytest.raises(ValidationError) as caught:
        import_configure(job=job, actor=actor, data={"mapping": {"First": "first_name"}})
    assert "mapping" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        import_configure(
            job=job, actor=actor,
            data={"mapping": {"Mobile": "phone", "Nope": "email", "First": "field:missing"}},
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"mapping.Nope", "mapping.First"}
    with pytest.raises(ValidationError) as caught:
        import_start(
            job=job, actor=actor, data={"mapping": {"Mobile": "phone"}, "consent_channels": ["sms"]}
        )
    assert "consent_source" in caught.value.message_dict
    job.refresh_from_db()
    assert job.status == Status.UPLOADED


def test_dry_run_previews_rows_and_counts(tenant, actor):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    ContactFactory(tenant=tenant, phone="+18135550101")
    text = csv_text(
        ["Mobile", "First", "Tags", "Age"],
        [["813 555 0100", "Ana", "vip", "30"], ["+18135550101", "Bo", "", ""], ["12", "", "", "x"]],
    )
    job = upload(tenant, actor, text)
    preview = import_preview(job=job, data={"mapping": MAPPING})
    assert (preview.would_create, preview.would_update, preview.error_rows) == (1, 1, 1)
    first, _, bad = preview.rows
    assert first["contact"]["phone"] == "+18135550100"
    assert first["contact"]["tags"] == ["vip"]
    assert first["contact"]["fields"] == {"age": 30}
    assert {e["column"] for e in bad["errors"]} == {"Mobile", "Age"}
    assert bad["row"] == 4
    assert not Contact.objects.for_tenant(tenant).filter(phone="+18135550100").exists()


def test_bad_rows_are_reported_good_ones_imported(tenant, actor, on_commit):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    lines = [
        "Mobile,First,Tags,Age",
        "+18135550100,Ana,vip,30",
        "not-a-number,Bo,,",
        "+18135550102,Cy,,old",
        "+18135550103,Nul\x00l,,",
        "+18135550104," + "x" * 70_000 + ",,",
        '+18135550105,"Multi',
        'line",,',
        "+18135550106,D\xe9,,",
    ]
    text = "\n".join(lines).encode("utf-8").replace("D\xc3\xa9".encode("latin-1"), b"D\xe9")
    job = upload(tenant, actor, text)
    on_commit(import_start, job=job, actor=actor, data={"mapping": MAPPING})
    job.refresh_from_db()
    assert job.status == Status.COMPLETED
    assert (job.processed_rows, job.created_count, job.error_count) == (7, 2, 5)
    assert sorted(Contact.objects.for_tenant(tenant).values_list("first_name", flat=True)) == [
        "Ana",
        "Multi\nline",
    ]
    header, *rows = errors_of(job)
    assert header == ["row", "column", "value", "message"]
    assert [r[:3] for r in rows] == [
        ["3", "Mobile", "not-a-number"],
        ["4", "Age", "old"],
        ["5", "", ""],
        ["6", "", ""],
        ["8", "", ""],
    ]
    assert "valid phone" in rows[0][3] or "E.164" in rows[0][3]
    assert rows[1][3] == "Enter a number."
    assert "NUL" in rows[2][3]
    assert "longer than" in rows[3][3]
    assert "UTF-8" in rows[4][3]


def test_dedupe_within_the_file_and_against_contacts(tenant, actor, on_commit):
    existing = ContactFactory(tenant=tenant, phone="+18135550100", first_name="Old", tags=",a,")
    text = csv_text(
        ["Mobile", "First", "Tags"],
        [["+18135550100", "Ana", "b"], ["(813) 555-0101", "Bo", "x"], ["813.555.0101", "", "y"]],
    )
    job = upload(tenant, actor, text)
    mapping = {"Mobile": "phone", "First": "first_name", "Tags": "tags"}
    on_commit(import_start, job=job, actor=actor, data={"mapping": mapping, "add_tags": "Expo"})
    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.error_count) == (1, 2, 0)
    assert Contact.objects.for_tenant(tenant).count() == 2
    existing.refresh_from_db()
    assert (existing.first_name, existing.tags) == ("Ana", ",a,b,expo,")
    bo = Contact.objects.for_tenant(tenant).get(phone="+18135550101")
    assert (bo.first_name, bo.tags, bo.region) == ("Bo", ",expo,x,y,", "US-FL")


def test_consent_with_source_reaches_contacts_and_ledger(tenant, actor, on_commit):
    text = csv_text(["Mobile"], [["+18135550100"], ["+18135550101"]])
    job = upload(tenant, actor, text)
    on_commit(
        import_start, job=job, actor=actor,
        data={"mapping": {"Mobile": "phone"}, "consent_channels": ["sms"],
              "consent_source": "paper_form"},
    )  # fmt: skip
    sources = set(Contact.objects.for_tenant(tenant).values_list("sms_consent_source", flat=True))
    assert sources == {"paper_form"}
    ledger = ConsentEvent.objects.for_tenant(tenant)
    assert sorted(ledger.values_list("number", "action", "source")) == [
        ("+18135550100", "opt_in", "paper_form"),
        ("+18135550101", "opt_in", "paper_form"),
    ]


def test_large_file_runs_in_chunks_and_resumes_after_a_crash(tenant, actor, settings, monkeypatch):
    settings.CONTACT_IMPORT_CHUNK_ROWS = 1000
    rows = [[f"+1813{2000000 + i:07d}", f"P{i}", "bulk", str(i)] for i in range(20_000)]
    rows.append(rows[5])  # a duplicate of an earlier chunk's row
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    job = upload(tenant, actor, csv_text(["Mobile", "First", "Tags", "Age"], rows))
    import_configure(job=job, actor=actor, data={"mapping": MAPPING})
    ContactImport.objects.filter(pk=job.pk).update(status=Status.QUEUED)

    assert import_run(str(job.pk), max_chunks=3) == Status.RUNNING
    job.refresh_from_db()
    assert (job.processed_rows, job.created_count, job.total_rows) == (3000, 3000, 20_001)
    checkpoint = job.resume_offset

    # The worker dies while writing the fourth chunk: nothing of it is kept.
    real_upsert = import_run_module.upsert_chunk
    calls = []

    def dying_upsert(*args, **kwargs):
        calls.append(1)
        real_upsert(*args, **kwargs)
        raise SystemExit("worker killed")

    monkeypatch.setattr(import_run_module, "upsert_chunk", dying_upsert)
    with pytest.raises(SystemExit):
        import_run(str(job.pk), max_chunks=5)
    job.refresh_from_db()
    assert (job.processed_rows, job.resume_offset) == (3000, checkpoint)
    assert Contact.objects.for_tenant(tenant).count() == 3000
    monkeypatch.setattr(import_run_module, "upsert_chunk", real_upsert)

    # While its lease lasts nobody else takes it; once it runs out the import resumes.
    assert import_run(str(job.pk)) == Status.RUNNING
    assert import_run_module.imports_to_resume() == []
    ContactImport.objects.filter(pk=job.pk).update(claimed_until=None)
    assert import_run_module.imports_to_resume() == [str(job.pk)]
    assert import_run(str(job.pk), max_chunks=100) == Status.COMPLETED
    job.refresh_from_db()
    assert (job.processed_rows, job.created_count, job.updated_count) == (20_001, 20_000, 1)
    assert job.error_count == 0
    contacts = Contact.objects.for_tenant(tenant)
    assert contacts.count() == 20_000
    assert contacts.get(phone="+18132019999").fields == {"age": 19_999}
    assert import_run(str(job.pk)) == Status.COMPLETED


def test_the_sample_csv_the_portal_offers_imports_cleanly(tenant, actor):
    from django.conf import settings

    sample = (settings.BASE_DIR / "static" / "contacts" / "sample-contacts.csv").read_bytes()
    job = import_upload(tenant=tenant, actor=actor, upload=csv_upload(sample))
    preview = import_preview(job=job, data={})
    assert (preview.would_create, preview.error_rows) == (40, 0)
    assert preview.rows[0]["contact"]["tags"] == ["espresso", "loyalty", "vip"]


def test_a_lost_file_fails_the_import_with_a_reason(tenant, actor):
    job = upload(tenant, actor, "phone\n+18135550100\n")
    ContactImport.objects.filter(pk=job.pk).update(status=Status.QUEUED)
    job.file.delete(save=False)
    assert import_run(str(job.pk)) == Status.FAILED
    job.refresh_from_db()
    assert job.status == Status.FAILED and "can't be read" in job.failure
