"""The one entry point both the in-process transport and the HTTP views call."""

from __future__ import annotations

import json
import logging
import time

from django.conf import settings

from sandbox import faults
from sandbox.core import auth, routing, spec
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.core.state import load_state

logger = logging.getLogger("sandbox")
_JSON = {"Content-Type": "application/json"}

unimplemented_calls: list[str] = []
"""Every Twilio operation a caller asked for that the sandbox doesn't implement (newest last)."""


def _strict() -> bool:
    return getattr(settings, "SANDBOX_STRICT_PARAMS", True)


def _check_params(req: SandboxRequest, route: routing.Route) -> None:
    allowed = spec.allowed_params(route.spec_name, route.template, route.method)
    if allowed is None:
        return
    query_names, body_names = allowed
    for name in req.query:
        if name not in query_names:
            raise TwilioError(20001, 400, f"Unknown parameter {name} for {route.operation}")
    body = req.json if isinstance(req.json, dict) else req.form
    for name in body:
        if name not in body_names:
            raise TwilioError(20001, 400, f"Unknown parameter {name} for {route.operation}")


def _inject_faults(req: SandboxRequest) -> None:
    state = req.state
    if not (state.rate_429 or state.rate_500 or state.latency_ms):
        return
    if not faults.applies_to(state, req.path):
        return
    if state.latency_ms:
        time.sleep(state.latency_ms / 1000)
    if faults.chance(state, state.rate_429):
        raise TwilioError(
            20429,
            429,
            "Too Many Requests",
            headers={"Retry-After": "1", "Twilio-Reached-Rate-Limit": "concurrency"},
        )
    if faults.chance(state, state.rate_500):
        raise TwilioError(20500, 500, "Internal Server Error")


def _lose_the_answer(req: SandboxRequest) -> bool:
    """Whether this write, already carried out, is answered 500 (`rate_500_after_write`)."""
    state = req.state
    return (
        req.method == "POST"
        and bool(state.rate_500_after_write)
        and faults.applies_to(state, req.path)
        and faults.chance(state, state.rate_500_after_write)
    )


def dispatch(req: SandboxRequest) -> tuple[int, str, dict[str, str]]:
    """Answer one Twilio API request: (status, body text, headers)."""
    try:
        req.state = load_state()
        _inject_faults(req)
        match = routing.resolve(req.product, req.method, req.path)
        if match is None:
            operation = f"{req.method} {req.product}:{req.path}"
            unimplemented_calls.append(operation)
            logger.error("sandbox: unimplemented Twilio operation %s", operation)
            raise TwilioError(
                20404, 404, f"The sandbox does not implement {operation} (resource not found)"
            )
        req.route, req.path_params = match
        if _strict():
            _check_params(req, req.route)
        if req.route.auth:
            req.account = auth.authenticate(req)
        result = req.route.handler(req)
        if _lose_the_answer(req):
            raise TwilioError(20500, 500, "Internal Server Error")
    except TwilioError as err:
        return err.status, json.dumps(err.body()), {**_JSON, **err.headers}
    if result is None:
        return 204, "", {}
    status = req.route.status
    if isinstance(result, tuple):
        status, result = result
    return status, json.dumps(result), dict(_JSON)


def dispatch_file(req: SandboxRequest) -> tuple[int, bytes, dict[str, str]] | None:
    """Serve a file route's bytes (with the same auth as the API); None: not a file path."""
    match = routing.resolve_file(req.product, req.method, req.path)
    if match is None:
        return None
    try:
        req.state = load_state()
        _inject_faults(req)
        req.route, req.path_params = match
        req.account = auth.authenticate(req)
        content, content_type = req.route.handler(req)
    except TwilioError as err:
        return err.status, json.dumps(err.body()).encode(), {**_JSON, **err.headers}
    headers = {"Content-Type": content_type, "Content-Length": str(len(content))}
    return 200, content, headers
