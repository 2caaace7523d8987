"""The attempt log: one row per send, priced, converted once its verification is approved."""

import pytest

from sandbox.testing import error_of, latest_verify_code


def test_attempts_and_summary(sub, make_subaccount):
    service = sub.client.verify.v2.services.create(friendly_name="Acme")
    verify = sub.client.verify.v2.services(service.sid)
    first = verify.verifications.create(to="+14155550196", channel="sms")
    verify.verifications.create(to="+14155550196", channel="sms")
    verify.verification_checks.create(to=first.to, code=latest_verify_code(first.to))
    verify.verifications.create(to="+447700900196", channel="call")
    api = sub.client.verify.v2.verification_attempts
    attempts = api.list()
    assert len(attempts) == 3
    by_channel = {a.channel: a for a in attempts}
    assert by_channel["call"].conversion_status == "unconverted"
    assert by_channel["call"].channel_data["country"] == "GB"
    assert by_channel["call"].price == {"value": "0.014", "currency": "usd"}
    converted = api.list(status="converted")
    assert {a.verification_sid for a in converted} == {first.sid} and len(converted) == 2
    assert [a.sid for a in api.list(channel="call")] == [by_channel["call"].sid]
    assert (
        api(by_channel["call"].sid).fetch().verification_sid == by_channel["call"].verification_sid
    )
    summary = sub.client.verify.v2.verification_attempts_summary().fetch()
    assert (summary.total_attempts, summary.total_converted, summary.total_unconverted) == (3, 2, 1)
    assert float(summary.conversion_rate_percentage) == pytest.approx(66.666666667)
    us = sub.client.verify.v2.verification_attempts_summary().fetch(destination_prefix="+1")
    assert us.total_attempts == 2
    other = make_subaccount("other").client.verify.v2.verification_attempts
    assert other.list() == []
    assert error_of(lambda: other(by_channel["call"].sid).fetch()) == (404, 20404)
