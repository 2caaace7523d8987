"""The per-tenant API rate: two counters per tenant, whatever the rate, and a window that
slides (the last window's count weighs by how much of it the window still covers)."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from isvplatform.api.throttling import TenantRateThrottle

MINUTE_START = 1_800_000_000.0  # a multiple of 60: a window starts here


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _throttle(rate: str, now: float) -> TenantRateThrottle:
    throttle = TenantRateThrottle.__new__(TenantRateThrottle)
    throttle.rate = rate
    throttle.num_requests, throttle.duration = throttle.parse_rate(rate)
    throttle.timer = lambda: now
    return throttle


def _call(rate: str, now: float, tenant_pk: int = 1) -> tuple[bool, TenantRateThrottle]:
    throttle = _throttle(rate, now)
    view = SimpleNamespace(tenant=SimpleNamespace(pk=tenant_pk))
    return throttle.allow_request(SimpleNamespace(user=None), view), throttle


def test_a_tenant_s_requests_are_kept_as_one_count_not_a_list_of_times():
    for second in range(250):
        assert _call("1000/min", MINUTE_START + second / 10)[0]
    key = f"throttle_tenant_t1:{int(MINUTE_START // 60)}"
    assert cache.get(key) == 250
    assert cache.get("throttle_tenant_t1") is None  # DRF's list of request times


def test_the_rate_is_kept_and_other_tenants_are_not_counted():
    results = [_call("5/min", MINUTE_START + 1)[0] for _ in range(7)]
    assert results == [True] * 5 + [False, False]
    assert _call("5/min", MINUTE_START + 2, tenant_pk=2)[0]


def test_the_last_window_weighs_by_how_much_of_it_the_window_still_covers():
    for _ in range(10):
        assert _call("10/min", MINUTE_START + 50)[0]
    # Just after the window turned, the last window's 10 still count 10 * 59/60: one passes.
    assert _call("10/min", MINUTE_START + 61)[0]
    allowed, throttle = _call("10/min", MINUTE_START + 61)
    assert not allowed
    # 10 * (1 - (1 + t) / 60) + 1 < 10 once t > 5 s.
    assert throttle.wait() == pytest.approx(5)
    # Half-way through the window the last one counts 5: with the 1 above, four more pass.
    results = [_call("10/min", MINUTE_START + 90)[0] for _ in range(5)]
    assert results == [True] * 4 + [False]


def test_a_full_window_waits_for_the_next_one():
    for _ in range(3):
        _call("3/min", MINUTE_START + 20)
    allowed, throttle = _call("3/min", MINUTE_START + 20)
    assert not allowed and throttle.wait() == pytest.approx(40)
