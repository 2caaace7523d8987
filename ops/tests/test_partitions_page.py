"""The staff page of table partitions: staff only; on PostgreSQL it lists each partitioned
table's partitions with their ranges, on SQLite it says there are none."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_partitions_page_is_for_staff_only(client):
    response = client.get("/admin/ops/partitions/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_partitions_page_lists_the_months(admin_client):
    page = admin_client.get("/admin/ops/partitions/").content.decode()
    if connection.vendor == "postgresql":
        assert 'data-table="messaging_message"' in page
        assert "messaging_message_p_legacy" in page and "MINVALUE" in page
        assert "emails_emailevent_p_default" in page
    else:
        assert 'id="ops-no-partitions"' in page
    assert "/admin/ops/partitions/" in admin_client.get("/admin/").content.decode()
