"""Geo permissions (60605), Fraud Guard (60410), landlines (60205), concurrency (60212)."""

import pytest

from sandbox import services
from sandbox.resources.verifications import protections
from sandbox.testing import error_of


@pytest.fixture
def verify(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme Coffee")
    return sub.client.verify.v2.services(service.sid)


def test_geo_permissions_block_countries(sub, verify):
    services.set_verify_geo_permissions(sub.sid, allowed=["US"])
    assert error_of(lambda: verify.verifications.create(to="+447700900123", channel="sms")) == (
        403,
        60605,
    )
    assert verify.verifications.create(to="+14155550120", channel="sms").status == "pending"
    # RiskCheck=disable bypasses the check (SMS only); email has no country.
    assert (
        verify.verifications.create(to="+447700900123", channel="sms", risk_check="disable").status
        == "pending"
    )
    assert error_of(
        lambda: verify.verifications.create(to="+447700900124", channel="whatsapp")
    ) == (403, 60605)
    services.set_verify_geo_permissions(sub.sid, blocked=["US"])
    assert error_of(lambda: verify.verifications.create(to="+14155550121", channel="call")) == (
        403,
        60605,
    )


def test_subaccounts_follow_their_parents_geo_permissions(master, sub, verify):
    services.set_verify_geo_permissions(master.sid, blocked=["GB"])
    assert error_of(lambda: verify.verifications.create(to="+447700900123", channel="sms")) == (
        403,
        60605,
    )
    services.set_verify_geo_permissions(sub.sid)
    assert verify.verifications.create(to="+447700900123", channel="sms").status == "pending"


def test_a_burst_to_one_prefix_trips_fraud_guard_for_twelve_hours(sub, verify, advance):
    for n in range(protections.FRAUD_BURST):
        verify.verifications.create(to=f"+1415555{2000 + n}", channel="sms")
    assert error_of(lambda: verify.verifications.create(to="+14155553999", channel="sms")) == (
        403,
        60410,
    )
    # Other prefixes, other channels and other accounts are not blocked.
    assert verify.verifications.create(to="+14155560100", channel="sms").status == "pending"
    assert verify.verifications.create(to="+14155553999", channel="call").status == "pending"
    advance(12 * 3600 + 1)
    assert verify.verifications.create(to="+14155553998", channel="sms").status == "pending"


def test_approved_numbers_are_not_pumping(sub, verify):
    for n in range(protections.FRAUD_BURST):
        to = f"+1415555{2000 + n}"
        started = verify.verifications.create(to=to, channel="sms")
        verify.verifications(started.sid).update(status="approved")
    assert verify.verifications.create(to="+14155553999", channel="sms").status == "pending"


def test_trip_fraud_guard_helper(sub, verify, make_subaccount):
    assert services.trip_fraud_guard(sub.sid, number="+14155550130") == "+1415555"
    assert error_of(lambda: verify.verifications.create(to="+14155550131", channel="sms")) == (
        403,
        60410,
    )
    assert (
        verify.verifications.create(to="+14155550131", channel="sms", risk_check="disable").status
        == "pending"
    )
    other = make_subaccount("other").client.verify.v2
    service = other.services.create(friendly_name="Other")
    assert (
        other.services(service.sid).verifications.create(to="+14155550132", channel="sms").status
        == "pending"
    )


def test_no_sms_to_landlines(verify):
    assert error_of(lambda: verify.verifications.create(to="+15005550009", channel="sms")) == (
        403,
        60205,
    )
    assert verify.verifications.create(to="+15005550009", channel="call").status == "pending"


def test_too_many_concurrent_verifications_to_one_number(sub):
    api = sub.client.verify.v2.services
    for n in range(protections.MAX_CONCURRENT):
        service = api.create(friendly_name=f"Brand {n}")
        api(service.sid).verifications.create(to="+14155550140", channel="sms")
    last = api.create(friendly_name="Brand last")
    assert error_of(
        lambda: api(last.sid).verifications.create(to="+14155550140", channel="sms")
    ) == (429, 60212)
