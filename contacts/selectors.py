"""Reading a tenant's contacts and audiences (the one way views, the API and broadcasts
reach them)."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from contacts.filters import compile_filter, normalize_tag
from contacts.models import (
    Audience,
    AudienceMember,
    Contact,
    ContactField,
    ContactImport,
    ContactImportError,
)
from messaging.models import OptOut
from tenants.models import Tenant


def _get(queryset: QuerySet, object_id: object, what: str):
    try:
        return queryset.get(pk=object_id)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as err:
        raise Http404(f"No such {what}.") from err


def contact_for_tenant(tenant: Tenant, contact_id: object) -> Contact:
    """The tenant's contact by id; another tenant's (or a malformed id) is a 404."""
    return _get(Contact.objects.for_tenant(tenant), contact_id, "contact")


def field_for_tenant(tenant: Tenant, field_id: object) -> ContactField:
    return _get(ContactField.objects.for_tenant(tenant), field_id, "custom field")


def import_for_tenant(tenant: Tenant, import_id: object) -> ContactImport:
    return _get(ContactImport.objects.for_tenant(tenant), import_id, "import")


def audience_for_tenant(tenant: Tenant, audience_id: object) -> Audience:
    return _get(Audience.objects.for_tenant(tenant), audience_id, "audience")


def search_contacts(
    found: QuerySet[Contact], *, query: str = "", tag: str = ""
) -> QuerySet[Contact]:
    """Contacts whose name, phone or email contains `query`, with the tag `tag`."""
    query = query.replace("\x00", "").strip()[:200]
    if query:
        words = Q()
        for word in query.split()[:5]:
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(phone__contains=word)
            )
        found = found.filter(words)
    tag = normalize_tag(tag)
    if tag:
        found = found.filter(tags__contains=f",{tag},")
    return found


def audience_contacts(audience: Audience) -> QuerySet[Contact]:
    """The tenant's contacts in the audience, as one plain queryset (a broadcast uses it as
    the subquery of its `INSERT … SELECT`): a static list's members, or the contacts its
    saved filter matches now (see `contacts.filters` for the format)."""
    contacts = Contact.objects.for_tenant(audience.tenant)
    if audience.kind == Audience.Kind.STATIC:
        members = AudienceMember.objects.for_tenant(audience.tenant).filter(audience=audience)
        return contacts.filter(pk__in=members.values("contact_id"))
    return contacts.filter(compile_filter(audience.tenant, audience.filter or {}))


def audience_count(audience: Audience) -> int:
    """How many contacts the audience holds right now."""
    return audience_contacts(audience).count()


def with_opt_outs(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    """Contacts annotated with whether their phone is opted out of SMS and of WhatsApp (one
    EXISTS each on the opt-out list's unique index)."""
    optouts = OptOut.objects.filter(tenant_id=OuterRef("tenant_id"))
    return contacts.annotate(
        sms_opted_out=Exists(optouts.filter(number=OuterRef("phone"), channel="sms")),
        whatsapp_opted_out=Exists(optouts.filter(number=OuterRef("phone"), channel="whatsapp")),
    )


def contact_list(
    tenant: Tenant, *, query: str = "", tag: str = "", audience: Audience | None = None
) -> QuerySet[Contact]:
    """The tenant's contacts for a list page or the API: searched, by tag, in an audience."""
    found = (
        audience_contacts(audience) if audience is not None else Contact.objects.for_tenant(tenant)
    )
    return with_opt_outs(search_contacts(found, query=query, tag=tag))


def import_errors(job: ContactImport) -> QuerySet[ContactImportError]:
    return ContactImportError.objects.for_tenant(job.tenant).filter(contact_import=job)


def import_progress(job: ContactImport) -> float:
    """Share of an import's rows done, 0 to 1 (1 once completed)."""
    if job.status == ContactImport.Status.COMPLETED:
        return 1.0
    if not job.total_rows:
        return 0.0
    return round(min(job.processed_rows / job.total_rows, 1.0), 4)
