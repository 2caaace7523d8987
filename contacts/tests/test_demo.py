import pytest

from contacts.demo import add_demo_contact_fields
from contacts.models import ContactField
from contacts.services.cleaning import parse_tags, tags_column


def test_the_demo_fields_are_added_once(tenant):
    add_demo_contact_fields(tenant)
    add_demo_contact_fields(tenant)
    fields = ContactField.objects.for_tenant(tenant).values_list("key", "type")
    assert list(fields) == [("city", "text")]


@pytest.mark.parametrize("cell", ["vip;loyalty", "vip|loyalty", "vip, loyalty", "loyalty; vip |"])
def test_a_cell_of_tags_splits_on_commas_semicolons_and_bars(cell):
    assert tags_column(parse_tags(cell)) == ",loyalty,vip,"
