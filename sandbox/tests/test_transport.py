"""The entry points: in-process transport and HTTP views, routing, strictness, paging."""

import base64
import json

import pytest
from django.test import Client as DjangoClient
from requests.structures import CaseInsensitiveDict
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from sandbox import transport
from sandbox.core import dispatch
from sandbox.testing import (
    UnimplementedOperationCalled,
    error_of,
    no_unimplemented_calls,
    unimplemented_calls,
)

pytestmark = pytest.mark.django_db


def basic(sid: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()


class OverHttp(HttpClient):
    """The SDK over HTTP: Twilio hosts rewritten to /sandbox/twilio/{sub}/{path}."""

    def __init__(self) -> None:
        import logging

        super().__init__(logging.getLogger("test"), is_async=False)
        self.django = DjangoClient()

    def request(
        self,
        method,
        url,
        params=None,
        data=None,
        headers=None,
        auth=None,
        timeout=None,
        allow_redirects=False,
    ):
        from urllib.parse import urlencode, urlsplit

        parts = urlsplit(url)
        path = f"/sandbox/twilio/{parts.hostname.split('.')[0]}{parts.path}"
        query = "&".join(q for q in (parts.query, urlencode(params or {}, doseq=True)) if q)
        extra = {"HTTP_AUTHORIZATION": basic(*auth)} if auth else {}
        full = f"{path}?{query}" if query else path
        if method == "GET":
            response = self.django.get(full, **extra)
        elif method == "DELETE":
            response = self.django.delete(full, **extra)
        else:
            body = urlencode(data or {}, doseq=True)
            response = self.django.generic(
                method, full, body, "application/x-www-form-urlencoded", **extra
            )
        return Response(
            response.status_code, response.content.decode(), CaseInsensitiveDict(response.headers)
        )


def test_the_sdk_works_over_http(sub, number, advance):
    client = Client(sub.sid, sub.token, http_client=OverHttp())
    message = client.messages.create(to="+14155550100", from_=number.phone_number, body="hi")
    assert message.status == "queued"
    advance(10)
    assert client.messages(message.sid).fetch().status == "delivered"
    assert [m.sid for m in client.messages.list()] == [message.sid]
    assert client.lookups.v2.phone_numbers("+14155550100").fetch().valid is True
    assert error_of(lambda: Client(sub.sid, "bad", http_client=OverHttp()).messages.list()) == (
        401,
        20003,
    )


def test_http_api_is_off_outside_sandbox_mode(settings, master):
    settings.TWILIO_MODE = "live"
    response = DjangoClient().get(
        "/sandbox/twilio/api/2010-04-01/Accounts.json",
        HTTP_AUTHORIZATION=basic(master.sid, master.token),
    )
    assert response.status_code == 404


def test_region_and_edge_hosts_match_on_the_product(master):
    status, body, _ = transport.handle(
        "GET",
        f"https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/{master.sid}.json",
        auth=(master.sid, master.token),
    )
    assert status == 200 and json.loads(body)["sid"] == master.sid


def test_header_credentials_and_query_in_url(master):
    status, body, _ = transport.handle(
        "GET",
        "https://api.twilio.com/2010-04-01/Accounts.json?PageSize=1",
        headers={"Authorization": basic(master.sid, master.token)},
    )
    assert status == 200 and json.loads(body)["page_size"] == 1


def test_unimplemented_operation_is_a_named_404_and_recorded(master, caplog):
    status, body, _ = transport.handle(
        "GET", "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", auth=(master.sid, "x")
    )
    error = json.loads(body)
    assert (status, error["code"]) == (404, 20404)
    assert "does not implement GET api:/2010-04-01/Accounts/AC1/Calls.json" in error["message"]
    assert unimplemented_calls()[-1] == "GET api:/2010-04-01/Accounts/AC1/Calls.json"
    assert "unimplemented Twilio operation" in caplog.text
    dispatch.unimplemented_calls.pop()  # expected here; the pytest plugin fails any other


def test_guard_fails_when_an_unimplemented_operation_was_called(master):
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json"
    with (
        pytest.raises(UnimplementedOperationCalled, match=r"Calls\.json"),
        no_unimplemented_calls(),
    ):
        transport.handle("GET", url, auth=(master.sid, master.token))
    with no_unimplemented_calls():
        master.client.api.v2010.accounts.list(limit=1)


def test_non_twilio_hosts_are_refused(master):
    status, _, _ = transport.handle("GET", "https://example.com/2010-04-01/Accounts.json")
    assert status == 404


def test_unknown_parameter_names_are_refused(master, settings):
    url = "https://api.twilio.com/2010-04-01/Accounts.json"
    status, body, _ = transport.handle(
        "POST", url, data={"Friendly_Name": "x"}, auth=(master.sid, master.token)
    )
    assert (status, json.loads(body)["code"]) == (400, 20001)
    settings.SANDBOX_STRICT_PARAMS = False
    status, _, _ = transport.handle(
        "POST", url, data={"Friendly_Name": "x"}, auth=(master.sid, master.token)
    )
    assert status == 201


def test_errors_use_twilios_shape(master):
    status, body, headers = transport.handle(
        "GET", "https://api.twilio.com/2010-04-01/Accounts.json"
    )
    assert status == 401
    assert json.loads(body) == {
        "code": 20003,
        "message": "Authentication Error - No credentials provided",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert headers["WWW-Authenticate"].startswith("Basic")


def test_v2010_paging(master, make_subaccount):
    for i in range(3):
        make_subaccount(f"paged {i}")
    first = master.client.api.v2010.accounts.page(page_size=2)
    assert first._payload["next_page_uri"].startswith("/2010-04-01/Accounts.json?")
    assert (first._payload["page"], first._payload["start"], first._payload["end"]) == (0, 0, 1)
    second = first.next_page()
    assert second._payload["page"] == 1 and second._payload["previous_page_uri"]
    assert len(master.client.api.v2010.accounts.list(page_size=2)) == 4


def test_meta_paging(sub):
    for i in range(3):
        sub.client.messaging.v1.services.create(friendly_name=f"svc {i}")
    page = sub.client.messaging.v1.services.page(page_size=2)
    meta = page._payload["meta"]
    assert meta["key"] == "services" and meta["page_size"] == 2
    assert meta["next_page_url"].startswith("https://messaging.twilio.com/v1/Services?")
    assert len(sub.client.messaging.v1.services.list(page_size=2)) == 3


def test_v1_dates_are_iso_and_v2010_dates_rfc2822(sub):
    service = sub.client.messaging.v1.services.create(friendly_name="dates")
    _, body, _ = transport.handle(
        "GET", f"https://messaging.twilio.com/v1/Services/{service.sid}", auth=(sub.sid, sub.token)
    )
    assert json.loads(body)["date_created"].endswith("Z")
    _, body, _ = transport.handle(
        "GET",
        f"https://api.twilio.com/2010-04-01/Accounts/{sub.sid}.json",
        auth=(sub.sid, sub.token),
    )
    assert json.loads(body)["date_created"].endswith("+0000")
