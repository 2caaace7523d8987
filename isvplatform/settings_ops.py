"""Settings of the staff alerts (ops/): thresholds, how often beat evaluates them, and
who is emailed."""

from typing import Any

import environ


def ops_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    return values
