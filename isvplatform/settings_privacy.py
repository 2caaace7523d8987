"""Settings of the privacy jobs (privacy/): forget-this-person erasures and tenant data exports."""

from typing import Any

import environ


def privacy_settings(env: environ.Env) -> dict[str, Any]:
    values: dict[str, Any] = {}
    return values
