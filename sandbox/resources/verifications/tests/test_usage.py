"""Verify bills each send attempt in its channel's category, plus the success fee."""

import pytest

from sandbox.testing import latest_verify_code


def by_category(records):
    return {r.category: r for r in records}


def test_usage_in_the_verify_categories(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    verify = sub.client.verify.v2.services(service.sid)
    verify.verifications.create(to="+14155550150", channel="sms")
    verify.verifications.create(to="+14155550150", channel="sms")
    verify.verification_checks.create(to="+14155550150", code=latest_verify_code("+14155550150"))
    verify.verifications.create(to="+14155550151", channel="call")
    verify.verifications.create(to="+14155550152", channel="whatsapp")
    verify.verifications.create(to="ana@example.com", channel="email")
    records = by_category(sub.client.usage.records.list())
    sms = records["verify-sms"]
    assert sms.count == "2"
    assert float(sms.price) == pytest.approx(2 * 0.0079 + 0.05)
    assert float(records["verify-voice"].price) == pytest.approx(0.014)
    assert records["verify-voice-sms"].count == "3"
    assert records["verify-whatsapp-conversations-business-initiated"].count == "1"
    assert records["verify-email"].count == "1"
    assert float(records["totalprice"].price) == pytest.approx(2 * 0.0079 + 0.05 + 0.014 + 0.0135)
