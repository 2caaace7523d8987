"""Issue 17's API drill as a test: 2,000 sends from 8 clients through gunicorn while the
private Redis (broker, cache, throttle) is stopped for 2 s; no 5xx, and at the sandbox every
recipient sent exactly once."""

import pytest

from drills.tests.test_drills import run_drill

pytestmark = pytest.mark.integration


def test_the_api_answers_no_5xx_and_loses_nothing_while_redis_is_down():
    out = run_drill("api_redis_down")
    assert "answered_5xx: 0\n" in out
    assert "lost: 0\n" in out and "duplicated: 0\n" in out
