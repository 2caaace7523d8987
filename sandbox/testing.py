"""Helpers for tests that talk to the sandbox through the official `twilio` SDK.

`sdk_client(sid, token)` gives a `twilio.rest.Client` whose HTTP client hands every request
to `sandbox.transport.handle` in this process; `exchanges()` records what went through.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from requests.structures import CaseInsensitiveDict
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from sandbox import clock, transport
from sandbox.aws import mailbox as ses_mailbox
from sandbox.core import dispatch
from sandbox.resources.verifications import mailbox
from sandbox.services import get_test_credentials


@dataclass
class Exchange:
    method: str
    url: str
    params: dict
    data: dict | list | None
    headers: dict
    status: int
    text: str


@dataclass
class _Recorder:
    exchanges: list[Exchange] = field(default_factory=list)


_recorders: list[_Recorder] = []


class InProcessHttpClient(HttpClient):
    """The SDK's HTTP client, replaced by a direct call into the sandbox transport."""

    def __init__(self) -> None:
        import logging

        super().__init__(logging.getLogger("sandbox.testing"), is_async=False)

    def request(
        self,
        method: str,
        url: str,
        params: dict | None = None,
        data: dict | None = None,
        headers: dict | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        params = {k: v for k, v in (params or {}).items() if v is not None}
        status, text, response_headers = transport.handle(
            method, url, params=params, data=data, headers=headers, auth=auth
        )
        for recorder in _recorders:
            recorder.exchanges.append(
                Exchange(method, url, params, data, dict(headers or {}), status, text)
            )
        return Response(status, text, CaseInsensitiveDict(response_headers))


def sdk_client(username: str, password: str, account_sid: str | None = None) -> Client:
    """An SDK client on the sandbox: account SID + token, or API key SID + secret with the
    key's `account_sid`."""
    return Client(username, password, account_sid, http_client=InProcessHttpClient())


@dataclass(frozen=True)
class AuthenticatedCall:
    """Who signed one request the sandbox served: the Basic-auth username and its account."""

    operation: str
    path: str
    username: str
    account_sid: str


@contextmanager
def authenticated_calls() -> Iterator[list[AuthenticatedCall]]:
    """Record every authenticated request the sandbox serves inside the block, from any
    client (the platform's gateway included)."""
    calls: list[AuthenticatedCall] = []

    def observe(req) -> None:
        username = req.credentials[0] if req.credentials else ""
        calls.append(AuthenticatedCall(req.route.operation, req.path, username, req.account.sid))

    dispatch.observers.append(observe)
    try:
        yield calls
    finally:
        dispatch.observers.remove(observe)


def sdk_test_client(account_sid: str) -> Client:
    """An SDK client signed with the account's test credentials (the magic test numbers)."""
    return sdk_client(*get_test_credentials(account_sid))


@contextmanager
def exchanges() -> Iterator[list[Exchange]]:
    """Record every request the in-process SDK clients make inside the block."""
    recorder = _Recorder()
    _recorders.append(recorder)
    try:
        yield recorder.exchanges
    finally:
        _recorders.remove(recorder)


def unimplemented_calls() -> list[str]:
    """Operations callers asked for that the sandbox doesn't implement (since process start)."""
    return list(dispatch.unimplemented_calls)


def error_of(call) -> tuple[int, int]:
    """(HTTP status, Twilio code) of the error a SDK call raises; fails if it succeeds.

    Fetch/create/update/delete raise `TwilioRestException`; list pages raise a plain
    `TwilioException("Unable to fetch page", response)`: both are read here.
    """
    import json

    from twilio.base.exceptions import TwilioException, TwilioRestException

    try:
        call()
    except TwilioRestException as err:
        return err.status, err.code
    except TwilioException as err:
        response = err.args[1]
        return response.status_code, json.loads(response.text)["code"]
    raise AssertionError("the call succeeded")


class UnimplementedOperationCalled(AssertionError):
    """Code under test asked the sandbox for a Twilio operation it doesn't implement."""


@contextmanager
def no_unimplemented_calls() -> Iterator[None]:
    """Fail if the block called an operation the sandbox doesn't implement (even if the
    caller swallowed the 404)."""
    before = len(dispatch.unimplemented_calls)
    yield
    new = dispatch.unimplemented_calls[before:]
    del dispatch.unimplemented_calls[before:]
    if new:
        raise UnimplementedOperationCalled(
            "called Twilio operations the sandbox does not implement: " + ", ".join(new)
        )


def latest_verify_code(to: str) -> str | None:
    """The code Verify last sent to a phone number or email address (any channel), as the
    person reads it on the handset or in the mailbox; None if nothing was sent."""
    return mailbox.latest_code(to)


def verify_emails(address: str) -> list[dict]:
    """The Verify emails an address received, newest first (`subject`, `body`, `from`...)."""
    return mailbox.emails(address)


def ses_emails(address: str) -> list[dict]:
    """The emails the local SES delivered to an address, newest first (`message_id`,
    `subject`, `text`, `html`, `headers` as [{name, value}], `from`, `list_unsubscribe`...)."""
    return ses_mailbox.emails(address)


def ses_open(message_id: str, address: str | None = None) -> bool:
    """The recipient (the first one, or `address`) opens the email, as on the mailbox page:
    SES publishes `Open` (HTML emails only: the pixel is in the HTML), delivered now.
    False if nothing was published."""
    found = ses_mailbox.find(message_id, address)
    if found is None:
        raise LookupError(f"no delivered SES email {message_id}")
    opened = ses_mailbox.record_open(*found, clock.now())
    clock.advance(0)
    return opened


def ses_click(message_id: str, link: str | int = 0, address: str | None = None) -> str:
    """The recipient clicks a link of the email (by position or URL): SES publishes
    `Click`, delivered now. Returns the link."""
    found = ses_mailbox.find(message_id, address)
    if found is None:
        raise LookupError(f"no delivered SES email {message_id}")
    links = ses_mailbox.links(found[0].html)
    index = links.index(link) if isinstance(link, str) else link
    clicked = ses_mailbox.record_click(*found, index, clock.now())
    if clicked is None:
        raise LookupError(f"email {message_id} has no link {link!r}")
    clock.advance(0)
    return clicked
