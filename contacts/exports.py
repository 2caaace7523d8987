"""CSV downloads of the contact book: the contacts (in the import's own column names, so an
export imports back) and an import's row errors."""

from collections.abc import Iterator

from django.db.models import QuerySet

from contacts.models import Contact, ContactField, ContactImport, ContactImportError
from isvplatform.csv_export import stream_csv

CONTACT_COLUMNS = [
    "phone", "first_name", "last_name", "email", "whatsapp", "tags", "time_zone", "region",
    "sms_consent_at", "sms_consent_source", "whatsapp_consent_at", "whatsapp_consent_source",
    "email_consent_at", "email_consent_source", "last_activity_at", "created_at",
]  # fmt: skip
ERROR_COLUMNS = ["row", "column", "value", "message"]


def _contact_rows(contacts: QuerySet[Contact], keys: list[str]) -> Iterator[list]:
    for contact in contacts.iterator(chunk_size=2000):
        row = []
        for name in CONTACT_COLUMNS:
            value = getattr(contact, name)
            if name == "tags":
                value = ",".join(contact.tag_list)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            row.append(value)
        row.extend(contact.fields.get(key, "") for key in keys)
        yield row


def contacts_csv(contacts: QuerySet[Contact], fields: QuerySet[ContactField]):
    """The contacts as a streamed CSV, custom fields as `field:<key>` columns."""
    keys = list(fields.values_list("key", flat=True))
    header = [*CONTACT_COLUMNS, *(f"field:{key}" for key in keys)]
    return stream_csv("contacts.csv", header, _contact_rows(contacts.order_by("pk"), keys))


def import_errors_csv(job: ContactImport):
    """The rows an import refused: row (as a spreadsheet numbers it), column, value, why."""
    errors = ContactImportError.objects.for_tenant(job.tenant).filter(contact_import=job)
    rows = (
        [e.row, e.column, e.value, e.message]
        for e in errors.order_by("row", "id").iterator(chunk_size=2000)
    )
    return stream_csv(f"import-errors-{job.pk}.csv", ERROR_COLUMNS, rows)
