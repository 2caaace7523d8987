"""The contact book in `make run`: what the demo tenants need so their owners can import
the sample CSV (`static/contacts/sample-contacts.csv`) straight away. Nothing is imported
for them: importing it is the point of the walkthrough."""

from contacts.models import ContactField, FieldType
from contacts.services.fields import field_create
from tenants.models import Tenant
from tenants.services import Actor

DEMO_FIELDS = [("city", "City", FieldType.TEXT)]


def add_demo_contact_fields(tenant: Tenant) -> None:
    """The custom fields the sample CSV's extra columns map to (idempotent)."""
    for key, label, type_ in DEMO_FIELDS:
        if not ContactField.objects.for_tenant(tenant).filter(key=key).exists():
            field_create(tenant=tenant, actor=Actor.system(), key=key, label=label, type=type_)
