import json
from dataclasses import dataclass

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from isvplatform.gateway.http import RetryingHttpClient

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "s3cr3t-token-value-0123456789ab"


def twilio_error(status: int, code: int | None, message: str = "error") -> Response:
    """A response shaped like Twilio's classic error body."""
    body = {"status": status, "message": message, "more_info": "https://www.twilio.com/docs/errors"}
    if code is not None:
        body["code"] = code
    return Response(status, json.dumps(body), {"Twilio-Request-Id": f"RQ{status}{code}"})


def message_body(sid: str = "SM" + "a" * 32, status: str = "queued") -> Response:
    payload = {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "status": status,
        "to": "+15005550010",
        "from": "+15005550006",
        "body": "hello",
        "direction": "outbound-api",
        "num_segments": "1",
        "num_media": "0",
        "error_code": None,
        "error_message": None,
        "price": None,
        "price_unit": "USD",
        "messaging_service_sid": None,
        "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
        "date_sent": None,
        "date_updated": "Thu, 30 Jul 2015 20:12:31 +0000",
    }
    return Response(201, json.dumps(payload), {"Twilio-Request-Id": "RQ" + "f" * 32})


class ScriptedTransport(HttpClient):
    """Answers each request with the next scripted response (or raises the scripted error).

    Sits where the sandbox or Twilio would be, so the SDK and the retry layer run for real.
    """

    def __init__(self, script):
        super().__init__(logger=None, is_async=False, timeout=5.0)
        self.script = list(script)
        self.requests = []

    def request(self, method, url, params=None, data=None, headers=None, auth=None, **kwargs):
        self.requests.append({"method": method, "url": url, "data": data, "auth": auth})
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step


@dataclass
class Scripted:
    client: Client
    transport: ScriptedTransport
    sleeps: list


@pytest.fixture
def scripted():
    """A real twilio Client over RetryingHttpClient over a ScriptedTransport."""

    def make(script, max_retries=3, retry_ambiguous_posts=False):
        transport = ScriptedTransport(script)
        sleeps = []
        retrying = RetryingHttpClient(
            transport,
            max_retries=max_retries,
            base_delay=0.25,
            retry_ambiguous_posts=retry_ambiguous_posts,
            sleep=sleeps.append,
        )
        return Scripted(Client(ACCOUNT_SID, AUTH_TOKEN, http_client=retrying), transport, sleeps)

    return make
