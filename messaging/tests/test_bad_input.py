"""Bad input to messaging's lists, exports and imports is a 4xx naming the field, never a 500.

NUL bytes pass SQLite but make PostgreSQL refuse the query (a 500, or an export cut off
mid-stream); dates near the end of the calendar overflow the day arithmetic; uploads may be
old-Mac CSVs (bare CR line ends), binary files or hold NUL bytes.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import OptOut
from messaging.tests.factories import MessageFactory
from tenants.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(member_client):
    return member_client(role=Membership.Role.OWNER)


def assert_names(response, field: str) -> None:
    assert response.status_code == 400, response.content
    assert not response.streaming
    error = response.json()["error"]
    assert (error["code"], list(error["fields"])) == ("invalid", [field]), error


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/opt-outs?q=a%00b", "q"),
        ("/api/v1/messages?q=a%00b", "q"),
        ("/api/v1/messages?number=%2B1%00", "number"),
        ("/api/v1/consent-events?number=a%00b", "number"),
        ("/api/v1/conversations?channel=sms%00", "channel"),
        ("/api/v1/messages/export?q=a%00b", "q"),
    ],
)
def test_nul_bytes_in_api_parameters_are_a_400_naming_them(tenant, key_api, url, field):
    MessageFactory(tenant=tenant, body="ab")
    assert_names(key_api.get(url), field)


@pytest.mark.parametrize(
    "url",
    [
        "/opt-outs/?q=a%00b",
        "/conversations/?q=a%00b",
        "/messages/?q=a%00b",
        "/messages/export.csv?q=a%00b",
        "/opt-outs/export.csv?q=a%00b",
    ],
)
def test_nul_bytes_in_portal_parameters_are_a_400_page_naming_them(tenant, owner, url):
    MessageFactory(tenant=tenant, body="ab")
    response = owner.get(url)
    assert response.status_code == 400 and not response.streaming
    assert "<code>q</code>: Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/messages", "/api/v1/messages/export"])
@pytest.mark.parametrize("field", ["date_to", "date_from"])
def test_dates_out_of_range_are_a_400_naming_them(tenant, key_api, url, field):
    MessageFactory(tenant=tenant)
    assert_names(key_api.get(url, {field: "9999-12-31"}), field)
    assert_names(key_api.get(url, {field: "0001-01-01"}), field)
    assert_names(key_api.get(url, {field: "not-a-date"}), field)
    assert key_api.get(url, {field: "9998-12-31"}).status_code == 200


def test_unknown_filter_values_are_refused_not_ignored(tenant, key_api):
    assert_names(key_api.get("/api/v1/messages", {"status": "lost"}), "status")
    assert_names(key_api.get("/api/v1/messages", {"q": "x" * 201}), "q")


def test_dates_out_of_range_on_the_portal_log_and_export(tenant, owner):
    MessageFactory(tenant=tenant, body="kept")
    page = owner.get("/messages/", {"date_to": "9999-12-31"})
    assert page.status_code == 400
    assert "To: Enter a date up to 9998-12-31." in page.content.decode()
    export = owner.get("/messages/export.csv", {"date_to": "9999-12-31"})
    assert export.status_code == 400 and not export.streaming
    assert "<code>date_to</code>: Enter a date up to 9998-12-31." in export.content.decode()


BAD_UPLOADS = {
    "nul": b"number\n+1415555\x000123\n",
    "binary": bytes(range(256)) * 8,
    "xlsx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64,
}


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", content, content_type="text/csv")


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_a_file_that_is_not_csv_text_is_a_400_naming_file(tenant, key_api, kind):
    response = key_api.post(
        "/api/v1/opt-outs/import", {"file": upload(BAD_UPLOADS[kind])}, format="multipart"
    )
    assert_names(response, "file")
    assert "isn't a CSV text file" in response.json()["error"]["fields"]["file"][0]
    assert not OptOut.objects.exists()


@pytest.mark.parametrize("kind", BAD_UPLOADS)
def test_the_portal_shows_an_unreadable_file_beside_the_field(tenant, owner, kind):
    response = owner.post("/opt-outs/import/", {"file": upload(BAD_UPLOADS[kind])})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_file_errors"' in html and "isn&#x27;t a CSV text file" in html
    assert not OptOut.objects.exists()


BARE_CR = b"number,reason\r+14155550123,old list\r+14155550124,\r"


def test_bare_cr_line_ends_import_through_the_api(tenant, key_api):
    response = key_api.post(
        "/api/v1/opt-outs/import", {"file": upload(BARE_CR)}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["added"], response.json()["errors"]) == (2, [])
    assert OptOut.objects.get(number="+14155550123").reason == "old list"


def test_bare_cr_line_ends_import_through_the_portal(tenant, owner):
    response = owner.post("/opt-outs/import/", {"file": upload(BARE_CR)})
    assert response.status_code == 302
    assert set(OptOut.objects.values_list("number", flat=True)) == {"+14155550123", "+14155550124"}
