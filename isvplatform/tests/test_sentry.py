"""Sentry with SENTRY_DSN set: the real sentry-sdk, over its own HTTP transport, reports a
failing request to the sandbox's Sentry ingest (on a live server), scrubbed of secrets."""

import json

import pytest
import requests
import sentry_sdk

from isvplatform.errors import before_breadcrumb, before_send, sentry_init
from isvplatform.logs import REDACTED
from sandbox.sentry.models import SentryEnvelope
from twofactor.tests.helpers import login_verified

TOKEN = "fedcba9876543210fedcba9876543210"
API_KEY = "isv_0a1b2c3d_Q7vLmN3pXr8sT2uWy5zA1bC4dE6fG"
BODY = "Octopus-lantern-6634"
PASSWORD = "Harb0ur-kite-19!"


@pytest.fixture
def sentry_to_sandbox(live_server, settings):
    settings.ROOT_URLCONF = "isvplatform.tests.sentry_urls"
    host = live_server.url.split("://", 1)[1]
    sentry_init(f"http://publickey@{host}/sandbox/sentry/42", "test", 0.0)
    yield live_server
    # Closed, not only flushed: its session flusher and transport threads would otherwise
    # post a late envelope to the live server after the test database is gone.
    client = sentry_sdk.get_client()
    client.close(timeout=5)
    sentry_sdk.init(dsn=None)  # the client is off again for the rest of the session
    assert client.transport is None


def test_a_failing_request_reaches_the_local_sentry_without_its_secrets(
    sentry_to_sandbox, client, staff_user
):
    answer = requests.post(
        f"{sentry_to_sandbox.url}/test-sentry/fail",
        data={"token": TOKEN, "Body": BODY, "password": PASSWORD, "page": "2"},
        headers={"Authorization": f"Bearer {API_KEY}", "Cookie": f"sessionid={TOKEN}"},
        timeout=10,
    )
    assert answer.status_code == 500
    assert sentry_sdk.flush(timeout=10) is None

    (envelope,) = [e for e in SentryEnvelope.objects.all() if "event" in e.item_types]
    (event,) = envelope.events()
    assert envelope.project_id == "42" and envelope.public_key == "publickey"
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    stored = json.dumps(envelope.items)
    assert "frame-vars-were-sent" in stored  # the frame's locals were sent, scrubbed
    assert event["request"]["url"].endswith("/test-sentry/fail")
    assert "cookies" not in event["request"] and "user" not in event
    for secret in (TOKEN, API_KEY, API_KEY.split("_", 2)[2], BODY, PASSWORD):
        assert secret not in stored, secret

    login_verified(client, staff_user)
    page = client.get("/sandbox/sentry/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "RuntimeError" in html and event["event_id"] in html
    assert not any(s in html for s in (TOKEN, API_KEY, BODY, PASSWORD))


def test_before_send_masks_every_part_of_an_event():
    event = {
        "message": f"login failed, token={TOKEN}",
        "extra": {"api_key": API_KEY, "note": f"Bearer {API_KEY}"},
        "request": {"data": {"Body": BODY, "to": "+14155550100"}, "query_string": "password=x1"},
        "breadcrumbs": {"values": [{"message": f"sent {API_KEY}"}]},
        "exception": {
            "values": [{"stacktrace": {"frames": [{"vars": {"auth_token": TOKEN, "n": "3"}}]}}]
        },
    }
    safe = before_send(event, {})
    text = json.dumps(safe)
    assert not any(s in text for s in (TOKEN, API_KEY.split("_", 2)[2], BODY, "x1"))
    assert safe["request"]["data"] == {"Body": REDACTED, "to": "+14155550100"}
    frame = safe["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["vars"] == {"auth_token": REDACTED, "n": "3"}


def test_a_structlog_breadcrumb_is_scrubbed_by_key():
    crumb = {"message": {"event": "sent", "body": BODY, "sid": "SM1"}, "category": "x"}
    safe = before_breadcrumb(crumb, {})
    assert safe["message"] == "sent"
    assert safe["data"] == {"body": REDACTED, "sid": "SM1"}
