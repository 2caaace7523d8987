"""Service rate limits: a full bucket refuses the verification (429 / 20429) until its
interval has passed."""

import pytest

from sandbox.testing import error_of


@pytest.fixture
def verify(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme")
    return sub.client.verify.v2.services(service.sid)


def test_a_full_bucket_refuses_until_the_interval_passes(verify, advance):
    limit = verify.rate_limits.create(unique_name="end_user_ip")
    verify.rate_limits(limit.sid).buckets.create(max=2, interval=60)
    ip = {"end_user_ip": "203.0.113.7"}
    create = verify.verifications.create
    create(to="+14155550180", channel="sms", rate_limits=ip)
    create(to="+14155550181", channel="sms", rate_limits=ip)
    assert error_of(lambda: create(to="+14155550182", channel="sms", rate_limits=ip)) == (
        429,
        20429,
    )
    assert (
        create(to="+14155550182", channel="sms", rate_limits={"end_user_ip": "198.51.100.1"}).status
        == "pending"
    )
    advance(61)
    assert create(to="+14155550183", channel="sms", rate_limits=ip).status == "pending"


def test_rate_limit_rules(verify, make_subaccount):
    limit = verify.rate_limits.create(unique_name="phone")
    assert error_of(lambda: verify.rate_limits.create(unique_name="phone")) == (400, 60200)
    assert error_of(lambda: verify.rate_limits.create(unique_name="has space")) == (400, 60200)
    buckets = verify.rate_limits(limit.sid).buckets
    assert error_of(lambda: buckets.create(max=0, interval=60)) == (400, 60200)
    assert error_of(lambda: buckets.create(max=1, interval=86401)) == (400, 60200)
    bucket = buckets.create(max=3, interval=3600)
    assert (bucket.max, bucket.interval, bucket.rate_limit_sid) == (3, 3600, limit.sid)
    assert [b.sid for b in buckets.list()] == [bucket.sid]
    other = make_subaccount("other").client.verify.v2.services(limit.service_sid)
    assert error_of(lambda: other.rate_limits(limit.sid).fetch()) == (404, 20404)
    verify.rate_limits(limit.sid).delete()
    assert error_of(lambda: buckets(bucket.sid).fetch()) == (404, 20404)
