"""The local Sentry's ingest: envelopes as the SDK sends them (gzip, lengths or not)."""

import gzip
import json

import pytest
from django.test import Client

from sandbox.sentry import envelope
from sandbox.sentry.models import SentryEnvelope
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
URL = "/sandbox/sentry/api/7/envelope/"


def envelope_bytes(event: dict, *, with_length: bool = True) -> bytes:
    payload = json.dumps(event).encode()
    item = {"type": "event", **({"length": len(payload)} if with_length else {})}
    head = {"event_id": event["event_id"]}
    return b"\n".join([json.dumps(head).encode(), json.dumps(item).encode(), payload, b""])


@pytest.mark.parametrize("with_length", [True, False])
def test_a_gzipped_envelope_is_stored_with_its_event(with_length):
    event = {"event_id": "a" * 32, "level": "error", "message": "boom"}
    answer = Client().post(
        URL,
        gzip.compress(envelope_bytes(event, with_length=with_length)),
        content_type="application/x-sentry-envelope",
        HTTP_CONTENT_ENCODING="gzip",
        HTTP_X_SENTRY_AUTH="Sentry sentry_version=7, sentry_key=k1, sentry_client=x",
    )
    assert answer.status_code == 200 and answer.json() == {"id": "a" * 32}
    stored = SentryEnvelope.objects.get()
    assert (stored.project_id, stored.public_key, stored.item_types) == ("7", "k1", ["event"])
    assert stored.events() == [event]


def test_an_attachment_after_the_event_is_kept_as_text():
    data = envelope_bytes({"event_id": "b" * 32}) + b'{"type":"attachment","length":5}\nhello\n'
    parsed = envelope.parse(data)
    assert [i["type"] for i in parsed.items] == ["event", "attachment"]
    assert parsed.items[1]["payload"] == "hello"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [(b"not json\n", ""), (b"\x1f\x8bgarbage", "gzip"), (b"{}", "br"), (b"[1]\n", "")],
)
def test_what_is_no_envelope_is_refused_with_a_400(data, encoding):
    extra = {"HTTP_CONTENT_ENCODING": encoding} if encoding else {}
    answer = Client().post(URL, data, content_type="application/x-sentry-envelope", **extra)
    assert answer.status_code == 400
    assert SentryEnvelope.objects.count() == 0


def test_only_the_newest_envelopes_are_kept(monkeypatch):
    from sandbox.sentry import views

    monkeypatch.setattr(views, "KEEP", 2)
    for n in range(4):
        Client().post(URL, envelope_bytes({"event_id": f"{n}" * 32}), "text/plain")
    assert sorted(SentryEnvelope.objects.values_list("event_id", flat=True)) == ["2" * 32, "3" * 32]


def test_the_events_page_is_for_staff_and_shows_summaries(staff_user):
    event = {"event_id": "c" * 32, "exception": {"values": [{"type": "KeyError", "value": "x"}]}}
    Client().post(URL, envelope_bytes(event), "text/plain")
    assert Client(REMOTE_ADDR="203.0.113.9").get("/sandbox/sentry/").status_code == 403
    staff = Client()
    login_verified(staff, staff_user)
    html = staff.get("/sandbox/sentry/").content.decode()
    assert "KeyError" in html and "c" * 32 in html


def test_the_ingest_is_off_outside_sandbox_mode(settings):
    settings.TWILIO_MODE = "live"
    answer = Client().post(URL, envelope_bytes({"event_id": "d" * 32}), "text/plain")
    assert answer.status_code == 404
