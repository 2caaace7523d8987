"""Tests' check that no Twilio call is made while the code under test holds a transaction
(and so, possibly, row locks that would block other workers for as long as Twilio takes)."""

from dataclasses import dataclass, field

from django.db import connection

from isvplatform.gateway.http import RetryingHttpClient


@dataclass
class TwilioCalls:
    """Every Twilio request made, and those made inside a transaction of the code under test
    (the test's own transaction, open when recording began, is the baseline)."""

    baseline: int
    made: list[str] = field(default_factory=list)
    in_transaction: list[str] = field(default_factory=list)


def record_twilio_calls(monkeypatch) -> TwilioCalls:
    calls = TwilioCalls(baseline=len(connection.atomic_blocks))
    original = RetryingHttpClient.request

    def request(self, method, uri, *args, **kwargs):
        where = f"{method} {uri}"
        calls.made.append(where)
        if len(connection.atomic_blocks) > calls.baseline:
            calls.in_transaction.append(where)
        return original(self, method, uri, *args, **kwargs)

    monkeypatch.setattr(RetryingHttpClient, "request", request)
    return calls
