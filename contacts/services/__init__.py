"""The contact book's writes.

What lives where:
- `cleaning`: a contact's attributes as given (form, API, CSV row) made into what is stored.
- `contacts`: create, update, delete; consent with its source (and the messaging ledger).
- `fields`: custom field definitions.
- `audiences`: static lists and saved filters, members added and removed set-based.
- `imports`: a CSV upload, its column mapping, the dry run, starting and cancelling.
- `import_rows`: a CSV row through the mapping (shared by the dry run and the job).
- `import_job`, `import_upsert`: the job, chunk by chunk from a checkpoint, set-based.
- `activity`: last activity (the latest inbound message), refreshed by a periodic task.
"""

from contacts.services.audiences import (
    AudienceInUse,
    audience_create,
    audience_delete,
    audience_update,
    members_add,
    members_remove,
)
from contacts.services.contacts import contact_create, contact_delete, contact_update
from contacts.services.fields import field_create, field_delete, field_update
from contacts.services.import_job import import_run, imports_to_resume
from contacts.services.imports import (
    ImportConflict,
    Preview,
    import_cancel,
    import_configure,
    import_preview,
    import_start,
    import_upload,
)

__all__ = [
    "AudienceInUse",
    "ImportConflict",
    "Preview",
    "audience_create",
    "audience_delete",
    "audience_update",
    "contact_create",
    "contact_delete",
    "contact_update",
    "field_create",
    "field_delete",
    "field_update",
    "import_cancel",
    "import_configure",
    "import_preview",
    "import_run",
    "import_start",
    "import_upload",
    "imports_to_resume",
    "members_add",
    "members_remove",
]
