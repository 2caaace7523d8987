import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from twilio.base.exceptions import TwilioException
from twilio.http.response import Response
from urllib3.exceptions import MaxRetryError, NewConnectionError

from isvplatform.gateway import (
    AuthenticationError,
    NotFoundError,
    RejectedRequest,
    RetryableGatewayError,
    fetch_message,
    send_message,
)
from isvplatform.gateway.http import (
    MAX_BACKOFF_SECONDS,
    backoff_delay,
    parse_retry_after,
    sandbox_url,
)
from isvplatform.gateway.tests.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    message_body,
    twilio_error,
)

SID = "SM" + "a" * 32


def send(client):
    return send_message(client, to="+15005550010", from_="+15005550006", body="hello")


def test_429_is_retried_then_succeeds(scripted):
    s = scripted([twilio_error(429, 20429), twilio_error(429, 20429), message_body()])

    result = send(s.client)

    assert result.sid == SID
    assert result.status == "queued"
    assert [r["method"] for r in s.transport.requests] == ["POST", "POST", "POST"]
    assert len(s.sleeps) == 2


def test_body_code_20429_under_another_status_is_retried(scripted):
    s = scripted([twilio_error(400, 20429), message_body()])

    assert send(s.client).sid == SID
    assert len(s.transport.requests) == 2


def test_5xx_on_get_is_retried(scripted):
    s = scripted([twilio_error(500, None), twilio_error(503, None), message_body()])

    assert fetch_message(s.client, SID).sid == SID
    assert len(s.transport.requests) == 3


def test_5xx_on_post_is_not_repeated_by_default(scripted):
    s = scripted([twilio_error(500, None), message_body()])

    with pytest.raises(RetryableGatewayError) as excinfo:
        send(s.client)

    assert excinfo.value.status == 500
    assert len(s.transport.requests) == 1


def test_5xx_on_post_is_retried_when_allowed(scripted):
    s = scripted([twilio_error(502, None), message_body()], retry_ambiguous_posts=True)

    assert send(s.client).sid == SID
    assert len(s.transport.requests) == 2


def test_gives_up_after_max_retries_with_twilio_code(scripted):
    s = scripted([twilio_error(429, 20429, "Too many requests")], max_retries=2)

    with pytest.raises(RetryableGatewayError) as excinfo:
        send(s.client)

    err = excinfo.value
    assert (err.code, err.status) == (20429, 429)
    assert "Too many concurrent requests" in err.message
    assert err.more_info == "https://www.twilio.com/docs/errors/20429"
    assert len(s.transport.requests) == 3
    assert len(s.sleeps) == 2


@pytest.mark.parametrize(
    "status,code,error_class",
    [
        (400, 21211, RejectedRequest),
        (400, 21610, RejectedRequest),
        (401, 20003, AuthenticationError),
        (404, 20404, NotFoundError),
        # Verify's limits: 429, but final answers about one verification or number.
        (429, 60202, RejectedRequest),
        (429, 60203, RejectedRequest),
        (429, 60212, RejectedRequest),
    ],
)
def test_4xx_is_never_retried(scripted, status, code, error_class):
    s = scripted([twilio_error(status, code), message_body()])

    with pytest.raises(error_class) as excinfo:
        send(s.client)

    assert excinfo.value.code == code
    assert excinfo.value.status == status
    assert len(s.transport.requests) == 1
    assert s.sleeps == []


def test_connection_refused_is_retried_even_for_post(scripted):
    refused = requests.ConnectionError(
        MaxRetryError(None, "/", NewConnectionError(None, "Connection refused"))
    )
    s = scripted([refused, message_body()])

    assert send(s.client).sid == SID
    assert len(s.transport.requests) == 2


def test_read_timeout_on_post_is_not_repeated(scripted):
    s = scripted([requests.ReadTimeout("read timed out"), message_body()])

    with pytest.raises(RetryableGatewayError) as excinfo:
        send(s.client)

    assert excinfo.value.code is None
    assert isinstance(excinfo.value.__cause__, requests.ReadTimeout)
    assert len(s.transport.requests) == 1


def test_dropped_connection_on_get_is_retried_until_exhausted(scripted):
    s = scripted([requests.ConnectionError("connection reset")], max_retries=2)

    with pytest.raises(RetryableGatewayError):
        fetch_message(s.client, SID)

    assert len(s.transport.requests) == 3


def test_retry_after_is_honoured_up_to_the_schedule_cap(scripted):
    limited = twilio_error(429, 20429)
    limited.headers["Retry-After"] = "1"
    very_limited = twilio_error(429, 20429)
    very_limited.headers["Retry-After"] = "3600"
    s = scripted([limited, very_limited, message_body()], max_retries=3)

    send(s.client)

    # base 0.25 and 3 retries: no wait may exceed 0.25 * 2**3 = 2 seconds.
    assert s.sleeps == [1.0, 2.0]


def test_backoff_is_exponential_full_jitter_and_capped():
    assert [backoff_delay(n, 0.5, 4, rng=lambda: 1.0) for n in (1, 2, 3, 4)] == [0.5, 1, 2, 4]
    assert backoff_delay(3, 0.5, 4, rng=lambda: 0.0) == 0.0
    assert backoff_delay(3, 0.5, 4, rng=lambda: 0.5) == 1.0
    assert backoff_delay(20, 1.0, 30, rng=lambda: 1.0) == MAX_BACKOFF_SECONDS
    assert backoff_delay(1, 0.0, 4, retry_after=5.0) == 0.0


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("-2") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    assert 100 < parse_retry_after(later) <= 120


def test_one_log_line_per_attempt_without_credentials(scripted, caplog):
    s = scripted([twilio_error(429, 20429), message_body()])
    caplog.set_level(logging.DEBUG)

    send(s.client)

    lines = [r for r in caplog.records if r.name == "isvplatform.gateway"]
    assert [(r.twilio_status, r.twilio_attempt) for r in lines] == [(429, 1), (201, 2)]
    path = f"api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert all(r.twilio_method == "POST" and r.twilio_path == path for r in lines)
    assert lines[1].twilio_request_id == "RQ" + "f" * 32
    assert f"POST {path} status=201" in lines[1].getMessage()
    assert "attempt=2" in lines[1].getMessage()
    for record in caplog.records:
        dumped = record.getMessage() + repr(record.__dict__)
        assert AUTH_TOKEN not in dumped
        assert "Authorization" not in dumped


def test_sandbox_url_maps_product_host_and_keeps_query():
    base = "http://127.0.0.1:8001/"
    assert (
        sandbox_url(base, f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}.json")
        == f"http://127.0.0.1:8001/sandbox/twilio/api/2010-04-01/Accounts/{ACCOUNT_SID}.json"
    )
    assert (
        sandbox_url(base, "https://messaging.dublin.ie1.twilio.com/v1/Services?PageSize=5")
        == "http://127.0.0.1:8001/sandbox/twilio/messaging/v1/Services?PageSize=5"
    )
    already = "http://127.0.0.1:8001/sandbox/twilio/api/2010-04-01/Accounts.json"
    assert sandbox_url(base, already) == already
    with pytest.raises(TwilioException):
        sandbox_url(base, "https://example.com/steal")


def test_request_reaches_transport_with_sdk_auth_and_204_passes_through(scripted):
    s = scripted([Response(204, "", {})])

    assert s.client.messages(SID).delete() is True

    assert s.transport.requests[0]["method"] == "DELETE"
    assert s.transport.requests[0]["auth"] == (ACCOUNT_SID, AUTH_TOKEN)
    assert s.sleeps == []
