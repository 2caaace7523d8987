"""PostgreSQL crashed (`pg_ctl stop -m immediate`) and restarted under inbound and
status-callback load, as its own process on a private cluster (`drills.
postgres_immediate_stop`): nothing answered 2xx is lost or applied twice, and the reconciler
brings every message to its true final status."""

import re

import pytest

from drills.tests.test_drills import run_drill

pytestmark = pytest.mark.integration


def _count(out: str, name: str) -> int:
    return int(re.search(rf"^{re.escape(name)}: (\d+)$", out, re.MULTILINE).group(1))


def test_a_postgres_crash_under_webhook_load_loses_and_duplicates_nothing():
    out = run_drill("postgres_immediate_stop")
    assert _count(out, "inbound_lost") == 0
    assert _count(out, "inbound_duplicated") == 0
    assert _count(out, "opt_outs_duplicated") == 0
    assert _count(out, "status_events_duplicated") == 0
    assert _count(out, "inbound_answered_2xx") == _count(out, "inbound_sent") > 0
    assert _count(out, "opt_outs_recorded") == _count(out, "stop_keywords_answered") > 0
    assert _count(out, "messages_in_true_final_status") == _count(out, "messages_total") > 0
    assert _count(out, "webhooks given up") == 0
