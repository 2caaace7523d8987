"""The noisy-tenant drill as a test (its own process, `python -m drills.noisy_tenant`): a
tenant flooding the API leaves another tenant's p95 within twice its solo baseline, and none
of the other tenant's requests is refused or fails."""

import re

import pytest

from drills.tests.test_drills import run_drill

pytestmark = pytest.mark.integration


def figure(out: str, name: str) -> float:
    return float(re.search(rf"^{name}: ([\d.]+)$", out, re.MULTILINE).group(1))


def test_a_flooding_tenant_leaves_another_within_twice_its_solo_latency():
    out = run_drill("noisy_tenant", timeout=600)
    assert figure(out, "ratio") <= 2.0
    assert "victim_errors: 0\n" in out
    assert figure(out, "noisy_429") > 0  # the flood did reach its limit
