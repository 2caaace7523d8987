"""The pacer keeps A2P calls of one account to the configured rate, across processes."""

import pytest
from django.core.cache import cache

from compliance import pacing


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_calls_of_one_account_get_consecutive_slots(settings):
    settings.TWILIO_A2P_REQUESTS_PER_SECOND = 1.0
    now = 1_000_000.25
    waits = [pacing.reserve_slot("AC1", now=now) for _ in range(3)]
    assert waits == [0.0, pytest.approx(0.75), pytest.approx(1.75)]
    assert pacing.reserve_slot("AC2", now=now) == 0.0  # another account has its own slots


def test_a_higher_rate_packs_slots_closer(settings):
    settings.TWILIO_A2P_REQUESTS_PER_SECOND = 4.0
    now = 2_000_000.0
    assert [pacing.reserve_slot("AC1", now=now) for _ in range(3)] == [0.0, 0.25, 0.5]


def test_zero_and_unpaced_turn_pacing_off(settings):
    settings.TWILIO_A2P_REQUESTS_PER_SECOND = 0
    assert pacing.reserve_slot("AC1", now=5.0) == 0.0
    settings.TWILIO_A2P_REQUESTS_PER_SECOND = 1.0
    pacing.reserve_slot("AC3", now=10.0)
    with pacing.unpaced():
        assert pacing.reserve_slot("AC3", now=10.0) == 0.0
    assert pacing.reserve_slot("AC3", now=10.0) == 1.0
