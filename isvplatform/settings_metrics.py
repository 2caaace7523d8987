"""Who may read `/metrics` (isvplatform/metrics_view.py). Never public by default: with no
token and no allowlist the URL answers 404, as if it didn't exist. `make run` generates a
token when none is set (`run_platform`)."""

from typing import Any

import environ


def metrics_settings(env: environ.Env) -> dict[str, Any]:
    # A scraper sends `Authorization: Bearer <METRICS_TOKEN>`.
    METRICS_TOKEN = env("METRICS_TOKEN", default="")
    # Addresses (or networks, `10.0.0.0/8`) that may scrape without the token; compared with
    # the client address uvicorn reports (the proxy's X-Forwarded-For only when trusted).
    METRICS_ALLOW_IPS = env.list("METRICS_ALLOW_IPS", default=[])
    return {k: v for k, v in locals().items() if k.startswith("METRICS_")}
