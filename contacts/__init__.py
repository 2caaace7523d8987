"""The tenant's contact book: contacts, custom fields, CSV imports and audiences.

What lives where:
- `models`: Contact (E.164 phone unique per tenant, zone and state from the number, tags as
  ",a,b,", typed custom fields, consent per channel), ContactField, ContactImport (+ its
  row errors), Audience (static list or saved filter) and AudienceMember.
- `filters`: the saved-filter JSON format, its validation and the Q it compiles to.
- `selectors`: reads; `audience_contacts(audience)` is the plain queryset broadcasts
  materialise from, `audience_count(audience)` its live count.
- `services`: writes (see its docstring); `numbers`: a number's time zone and ISO 3166-2
  region; `csvfile`: reading an untrusted CSV record by record from a byte offset.
- `exports`: the contacts CSV and an import's errors CSV.
- `tasks` (`contacts.run_import`, `contacts.resume_imports`), queued through `enqueue`.
- Faces: `api*.py` (/api/v1/contacts, /contact-fields, /audiences), `admin`, portal
  `views*.py` with `forms` and `templates/contacts/`.

Opt-outs are messaging's (`messaging.OptOut`); opt-ins recorded here are appended to
messaging's consent ledger through `messaging.services.consent_opt_ins_record`.
"""
