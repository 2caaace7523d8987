"""The live progress stream, `GET /api/v1/broadcasts/{id}/events`, through the WSGI stack.

Under the test client the stream is a generator in the test's thread: between two chunks
the test moves the counters in its own transaction, and the next poll sees them.
"""

import datetime as dt
import json

import pytest
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastStatus
from broadcasts.progress import is_settled, progress_data
from broadcasts.streams import event_id
from broadcasts.tests.factories import BroadcastFactory
from tenants.models import Membership
from tenants.tests.factories import make_api_key


def parse(chunk: bytes) -> dict[str, str]:
    """One chunk of the stream as its fields (`event`, `id`, `data`, `retry`, or a comment)."""
    fields = {}
    for line in chunk.decode().strip("\n").split("\n"):
        name, _, value = line.partition(":")
        fields[name or "comment"] = value.removeprefix(" ")
    return fields


def progress_events(chunks) -> list[dict]:
    return [parse(c) for c in chunks if parse(c).get("event") == "progress"]


def next_progress(chunks) -> dict:
    for chunk in chunks:
        fields = parse(chunk)
        if fields.get("event") == "progress":
            return fields
    raise AssertionError("the stream ended without another progress event")


def key_client(tenant) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


def events_url(broadcast) -> str:
    return f"/api/v1/broadcasts/{broadcast.pk}/events"


def move(broadcast, **changes) -> None:
    """Counters move as the dispatcher moves them: an UPDATE of the row, not a save."""
    Broadcast.objects.filter(pk=broadcast.pk).update(updated_at=timezone.now(), **changes)


@pytest.fixture
def sending(tenant):
    now = timezone.now()
    return BroadcastFactory(
        tenant=tenant, status=BroadcastStatus.SENDING, total=3, pending=3, launched_at=now
    )


def test_the_stream_opens_with_the_progress_snapshot(tenant, sending):
    response = key_client(tenant).get(events_url(sending), HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    chunks = iter(response.streaming_content)
    assert "retry" in parse(next(chunks))
    first = next_progress(chunks)
    expected = progress_data(Broadcast.objects.get(pk=sending.pk))
    assert json.loads(first["data"]) == expected
    assert first["id"] == event_id(expected)
    response.close()


def test_a_counter_change_sends_a_new_event_and_the_final_status_ends_the_stream(tenant, sending):
    response = key_client(tenant).get(events_url(sending))
    chunks = iter(response.streaming_content)
    assert json.loads(next_progress(chunks)["data"])["sent"] == 0

    move(sending, pending=F("pending") - 1, sent=F("sent") + 1)
    moved = json.loads(next_progress(chunks)["data"])
    assert (moved["pending"], moved["sent"], moved["status"]) == (2, 1, "sending")

    move(
        sending, pending=0, sent=3, delivered=3, status=BroadcastStatus.COMPLETED,
        completed_at=timezone.now(),
    )  # fmt: skip
    final = next_progress(chunks)
    rest = list(chunks)
    assert json.loads(final["data"])["status"] == "completed"
    assert json.loads(final["data"]) == progress_data(Broadcast.objects.get(pk=sending.pk))
    assert rest == [], "the stream goes on after the final status"


def test_a_completed_broadcast_follows_its_delivery_reports_then_ends(tenant, sending):
    move(sending, pending=0, sent=3, status=BroadcastStatus.COMPLETED, completed_at=timezone.now())
    response = key_client(tenant).get(events_url(sending))
    chunks = iter(response.streaming_content)
    first = json.loads(next_progress(chunks)["data"])
    assert (first["status"], first["settled"]) == ("completed", False)

    move(sending, delivered=2, failed=1)
    last = json.loads(next_progress(chunks)["data"])
    assert (last["delivered"], last["settled"]) == (2, True)
    assert list(chunks) == [], "the stream goes on after the last report"


def test_reports_that_never_come_are_awaited_for_a_while_only(tenant, sending, settings):
    settings.BROADCAST_REPORTS_WAIT_SECONDS = 60
    ended = timezone.now() - dt.timedelta(seconds=61)
    move(sending, pending=0, sent=3, delivered=1, status=BroadcastStatus.COMPLETED)
    Broadcast.objects.filter(pk=sending.pk).update(completed_at=ended)
    assert is_settled(Broadcast.objects.get(pk=sending.pk))
    Broadcast.objects.filter(pk=sending.pk).update(completed_at=timezone.now())
    assert not is_settled(Broadcast.objects.get(pk=sending.pk))


def test_an_unchanged_broadcast_sends_one_event_then_ends_with_a_retry_hint(tenant, sending):
    response = key_client(tenant).get(events_url(sending))
    chunks = [parse(c) for c in response.streaming_content]

    assert [c["event"] for c in chunks if "event" in c] == ["progress"]
    assert "retry" in chunks[-1]


def test_last_event_id_of_the_current_progress_is_not_sent_again(tenant, sending):
    current = event_id(progress_data(sending))
    response = key_client(tenant).get(events_url(sending), HTTP_LAST_EVENT_ID=current)
    chunks = iter(response.streaming_content)
    next(chunks)  # the retry hint

    move(sending, sent=1, pending=2)
    changed = next_progress(chunks)
    assert json.loads(changed["data"])["sent"] == 1
    response.close()


def test_last_event_id_of_another_progress_gets_the_current_one(tenant, sending):
    response = key_client(tenant).get(events_url(sending), HTTP_LAST_EVENT_ID="stale-id")
    events = progress_events(response.streaming_content)
    assert [json.loads(e["data"]) for e in events] == [progress_data(sending)]


def test_a_final_broadcast_whose_last_event_the_client_has_answers_204(tenant):
    done = BroadcastFactory(
        tenant=tenant, status=BroadcastStatus.COMPLETED, total=1, sent=1, delivered=1
    )
    client = key_client(tenant)

    fresh = client.get(events_url(done))
    events = progress_events(fresh.streaming_content)
    assert [json.loads(e["data"])["status"] for e in events] == ["completed"]

    again = client.get(events_url(done), HTTP_LAST_EVENT_ID=events[0]["id"])
    assert again.status_code == 204


def test_another_tenants_broadcast_answers_404_as_json(tenant, other_tenant):
    theirs = BroadcastFactory(tenant=other_tenant, status=BroadcastStatus.SENDING)
    response = key_client(tenant).get(events_url(theirs), HTTP_ACCEPT="text/event-stream")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"


def test_callers_without_credentials_get_401_and_a_bad_key_too(tenant, sending):
    anonymous = APIClient().get(events_url(sending), HTTP_ACCEPT="text/event-stream")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"

    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer isv_nothing_atall")
    assert bad.get(events_url(sending)).status_code == 401


def test_a_signed_in_person_without_a_tenant_gets_403(sending, django_user_model):
    client = APIClient()
    client.force_login(django_user_model.objects.create_user("nobody@example.com", password="x"))
    response = client.get(events_url(sending))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_every_role_of_the_tenant_may_watch(tenant, sending, member_client):
    viewer = member_client(role=Membership.Role.VIEWER)
    response = viewer.get(events_url(sending))
    assert response.status_code == 200
    assert progress_events(response.streaming_content)

    read_only = key_client_with_scopes(tenant, ["read"])
    assert read_only.get(events_url(sending)).status_code == 200


def key_client_with_scopes(tenant, scopes) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant, scopes=scopes)[1]}")
    return client


def test_the_schema_describes_the_stream(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/broadcasts/{id}/events"]["get"]

    assert list(operation["responses"]["200"]["content"]) == ["text/event-stream"]
    assert {"204", "401", "403", "404"} <= set(operation["responses"])
    error = operation["responses"]["404"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert [p["name"] for p in operation["parameters"] if p["in"] == "header"] == ["Last-Event-ID"]
