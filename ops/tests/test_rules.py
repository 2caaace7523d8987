"""deploy/prometheus/alerts.yml: one rule per in-app alert kind, and the same thresholds as
settings_ops's defaults. promtool itself (`check rules`, and `test rules` on alerts_test.yml)
runs in `.ci/run`'s "alert rules" step, which installs it and fails when it can't."""

import re
from pathlib import Path

import environ
import yaml
from django.conf import settings

from isvplatform.settings_ops import ops_settings
from ops.models import AlertKind, Severity

RULES = Path(settings.BASE_DIR) / "deploy" / "prometheus" / "alerts.yml"


def rules() -> dict[str, dict]:
    document = yaml.safe_load(RULES.read_text())
    return {rule["labels"]["kind"]: rule for group in document["groups"] for rule in group["rules"]}


def test_every_rule_is_well_formed_and_every_alert_kind_has_one():
    found = rules()
    assert set(found) == set(AlertKind.values)
    for rule in found.values():
        assert re.fullmatch(r"Isv[A-Za-z]+", rule["alert"])
        assert rule["expr"].strip()
        assert rule["labels"]["severity"] in Severity.values
        assert rule["annotations"]["summary"] == AlertKind(rule["labels"]["kind"]).label


def test_the_rules_use_the_thresholds_of_the_in_app_alerts():
    defaults = ops_settings(environ.Env())
    found = {kind: " ".join(rule["expr"].split()) for kind, rule in rules().items()}
    window = f"[{defaults['OPS_DELIVERY_WINDOW_MINUTES']}m]"
    assert window in found["delivery_rate"]
    assert f"< {defaults['OPS_DELIVERY_RATE_MIN_PERCENT'] / 100:g}" in found["delivery_rate"]
    assert f">= {defaults['OPS_DELIVERY_MIN_MESSAGES']}" in found["delivery_rate"]
    codes = "|".join(str(c) for c in defaults["OPS_CARRIER_FILTER_CODES"])
    assert f'error_code=~"{codes}"' in found["carrier_filtering"]
    assert f"[{defaults['OPS_CARRIER_FILTER_WINDOW_MINUTES']}m]" in found["carrier_filtering"]
    assert found["carrier_filtering"].endswith(f">= {defaults['OPS_CARRIER_FILTER_MAX']}")
    assert f"[{defaults['OPS_SIGNATURE_WINDOW_MINUTES']}m]" in found["signature_failures"]
    assert found["signature_failures"].endswith(f">= {defaults['OPS_SIGNATURE_FAILURES_MAX']}")
    assert found["outbox_age"].endswith(f"> {defaults['OPS_OUTBOX_MAX_AGE_SECONDS']}")
    assert found["queue_backlog"].endswith(f"> {defaults['OPS_QUEUE_MAX_LENGTH']}")
    assert f"> {defaults['OPS_HEARTBEAT_MAX_AGE_SECONDS']}" in found["worker_heartbeat"]
    # The stuck-registration and failing-endpoint counts are computed by ops.readings at
    # scrape time, with the settings themselves.
    assert found["registrations_stuck"] == "sum(isv_registrations_stuck) > 0"
    assert found["tenant_webhooks"] == "max(isv_tenant_webhook_endpoints_failing) > 0"
