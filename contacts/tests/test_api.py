"""The contact book's API: contacts CRUD with field-named errors, roles, audiences with a
live count and members, imports (dry run, job, errors CSV), export."""

import csv
import io

import pytest

from contacts.models import Audience, Contact, ContactImport, FieldType
from contacts.tests.conftest import csv_text
from contacts.tests.factories import AudienceFactory, ContactFactory, ContactFieldFactory
from messaging.models import OptOut
from tenants.models import Membership

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def client(member_client):
    return member_client(role=Role.MEMBER)


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_contact_crud(client, tenant):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    response = client.post(
        "/api/v1/contacts",
        {"phone": "813 555 0100", "first_name": "Ana", "tags": ["VIP"], "fields": {"age": "30"},
         "consent": {"sms": "web_form"}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "+18135550100"
    assert (body["region"], body["time_zone"], body["tags"]) == (
        "US-FL",
        "America/New_York",
        ["vip"],
    )
    assert body["fields"] == {"age": 30}
    assert body["consent"]["sms"]["source"] == "web_form"
    assert body["consent"]["sms"]["opted_out"] is False
    url = f"/api/v1/contacts/{body['id']}"

    OptOut.objects.create(tenant=tenant, number="+18135550100", channel="sms", source="keyword")
    assert client.get(url).json()["consent"]["sms"]["opted_out"] is True

    response = client.patch(url, {"time_zone": "Europe/Lisbon"}, format="json")
    assert response.json()["time_zone_source"] == "manual"
    response = client.post("/api/v1/contacts", {"phone": "+18135550100"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["phone"]
    assert client.delete(url).status_code == 204
    assert not Contact.objects.for_tenant(tenant).exists()


def test_list_search_tag_audience_and_pages(client, tenant):
    ContactFactory(tenant=tenant, first_name="Ana", tags=",vip,")
    ContactFactory(tenant=tenant, first_name="Bo", email="bo@example.com")
    ContactFactory(tenant=tenant, first_name="Cy")
    names = lambda url: sorted(c["first_name"] for c in client.get(url).json()["results"])  # noqa: E731
    assert names("/api/v1/contacts?q=bo@exa") == ["Bo"]
    assert names("/api/v1/contacts?tag=VIP") == ["Ana"]
    audience = AudienceFactory(tenant=tenant, filter={"tags_any": ["vip"]})
    assert names(f"/api/v1/contacts?audience={audience.pk}") == ["Ana"]
    page = client.get("/api/v1/contacts?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    assert client.get("/api/v1/contacts?audience=nope").status_code == 404


def test_viewers_read_only(member_client, tenant):
    viewer = member_client(role=Role.VIEWER)
    contact = ContactFactory(tenant=tenant)
    assert viewer.get("/api/v1/contacts").status_code == 200
    assert (
        viewer.post("/api/v1/contacts", {"phone": "+18135550100"}, format="json").status_code == 403
    )
    assert viewer.delete(f"/api/v1/contacts/{contact.pk}").status_code == 403
    assert viewer.post("/api/v1/audiences", {"name": "x"}, format="json").status_code == 403


def test_other_tenants_objects_are_404(client, other_tenant):
    theirs = ContactFactory(tenant=other_tenant)
    audience = AudienceFactory(tenant=other_tenant)
    assert client.get(f"/api/v1/contacts/{theirs.pk}").status_code == 404
    assert client.get(f"/api/v1/audiences/{audience.pk}/count").status_code == 404
    mine = client.post("/api/v1/audiences", {"name": "L", "kind": "static"}, format="json").json()
    response = client.post(
        f"/api/v1/audiences/{mine['id']}/members", {"contact_ids": [str(theirs.pk)]}, format="json"
    )
    assert response.json() == {"changed": 0, "count": 0}


def test_audiences_with_live_count_and_members(client, tenant):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    a = ContactFactory(tenant=tenant, tags=",vip,", fields={"age": 40})
    ContactFactory(tenant=tenant, tags=",vip,", fields={"age": 20})
    response = client.post(
        "/api/v1/audiences",
        {"name": "Older VIPs", "filter": {"tags_any": ["vip"],
                                           "fields": [{"key": "age", "op": "gt", "value": 30}]}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 1
    url = f"/api/v1/audiences/{response.json()['id']}"
    assert client.get(url).json()["count"] == 1
    response = client.patch(url, {"filter": {"tags_any": ["vip"]}}, format="json")
    assert response.json()["count"] == 2
    response = client.patch(url, {"filter": {"tagz": ["vip"]}}, format="json")
    assert response.status_code == 400
    assert "filter.tagz" in response.json()["error"]["fields"]
    response = client.patch(
        url, {"filter": {"fields": [{"key": "age", "op": "contains", "value": 1}]}}, format="json"
    )
    assert "filter.fields.0.op" in response.json()["error"]["fields"]

    static = client.post("/api/v1/audiences", {"name": "List", "kind": "static"}, format="json")
    members = f"/api/v1/audiences/{static.json()['id']}/members"
    assert client.post(members, {"tag": "vip"}, format="json").json() == {"changed": 2, "count": 2}
    response = client.post(f"{members}/remove", {"contact_ids": [str(a.pk)]}, format="json")
    assert response.json() == {"changed": 1, "count": 1}
    assert client.post(members, {}, format="json").status_code == 400
    filter_members = f"{url}/members"
    assert client.post(filter_members, {"tag": "vip"}, format="json").status_code == 400


def test_an_audience_a_broadcast_uses_is_kept(client, tenant):
    from broadcasts.models import Broadcast

    audience = AudienceFactory(tenant=tenant, kind=Audience.Kind.STATIC)
    Broadcast.objects.create(tenant=tenant, name="B", audience=audience)
    assert client.delete(f"/api/v1/audiences/{audience.pk}").status_code == 409


def upload(client, text, **data):
    file = io.BytesIO(text.encode("utf-8") if isinstance(text, str) else text)
    file.name = "list.csv"
    return client.post("/api/v1/contacts/import", {"file": file, **data}, format="multipart")


def test_import_dry_run_then_start(client, tenant, django_capture_on_commit_callbacks):
    text = csv_text(["Phone", "Name"], [["+18135550100", "Ana"], ["bad", "Bo"]])
    response = upload(client, text, dry_run="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["job"]["status"] == "uploaded"
    assert body["job"]["mapping"] == {"Phone": "phone", "Name": "first_name"}
    assert (body["preview"]["would_create"], body["preview"]["error_rows"]) == (1, 1)
    assert body["preview"]["rows"][1]["errors"][0]["column"] == "Phone"
    job_url = f"/api/v1/contacts/import/{body['job']['id']}"

    response = client.post(f"{job_url}/start", {"consent_channels": ["sms"]}, format="json")
    assert list(response.json()["error"]["fields"]) == ["consent_source"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{job_url}/start", {"consent_channels": ["sms"], "consent_source": "web_form"},
            format="json",
        )  # fmt: skip
    assert response.status_code == 202
    status = client.get(job_url).json()
    assert (status["status"], status["created_count"], status["error_count"]) == (
        "completed",
        1,
        1,
    )
    assert status["progress"] == 1.0
    assert client.post(f"{job_url}/start", {}, format="json").status_code == 409
    rows = csv_rows(client.get(f"{job_url}/errors"))
    assert rows[0] == ["row", "column", "value", "message"]
    assert rows[1][:3] == ["3", "Phone", "bad"]


def test_import_straight_into_a_job(client, tenant, django_capture_on_commit_callbacks):
    text = csv_text(["Mobile", "Who"], [["+18135550100", "Ana"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, text, mapping='{"Mobile": "phone", "Who": "last_name"}', add_tags="expo"
        )
    assert response.status_code == 202, response.content
    contact = Contact.objects.for_tenant(tenant).get()
    assert (contact.last_name, contact.tags) == ("Ana", ",expo,")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"mapping": "{not json"}, "mapping"),
        ({"mapping": '{"Mobile": "nonsense"}'}, "mapping.Mobile"),
        ({"consent_channels": "sms"}, "consent_source"),
        ({"consent_channels": "fax", "consent_source": "web_form"}, "consent_channels"),
    ],
)
def test_import_options_are_field_errors(client, tenant, data, field):
    response = upload(client, "Mobile\n+18135550100\n", **data)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert ContactImport.objects.for_tenant(tenant).filter(status="queued").count() == 0


@pytest.mark.parametrize(
    "content", [b"\x00\x01\x02binary", b"\xff\xfe\xfa not utf8\n", b"", b"\n\n"]
)
def test_bad_files_are_400_on_file(client, content):
    response = upload(client, content)
    assert response.status_code == 400, response.content
    assert "file" in response.json()["error"]["fields"]


def test_missing_file_is_400(client):
    response = client.post("/api/v1/contacts/import", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


def test_export_reads_back(client, tenant):
    ContactFieldFactory(tenant=tenant, key="age", type=FieldType.NUMBER)
    ContactFactory(tenant=tenant, phone="+18135550100", tags=",a,b,", fields={"age": 3})
    rows = csv_rows(client.get("/api/v1/contacts/export"))
    header = rows[0]
    assert header[:3] == ["phone", "first_name", "last_name"] and header[-1] == "field:age"
    record = dict(zip(header, rows[1], strict=True))
    assert (record["phone"], record["tags"], record["field:age"]) == ("+18135550100", "a,b", "3")
