"""The one entry point both the in-process transport and the HTTP views call."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from django.conf import settings

from sandbox import faults
from sandbox.core import auth, routing, spec
from sandbox.core.errors import TwilioError
from sandbox.core.request import SandboxRequest
from sandbox.core.sids import new_sid
from sandbox.core.state import load_state

logger = logging.getLogger("sandbox")
_JSON = {"Content-Type": "application/json"}
REQUEST_ID_HEADER = "Twilio-Request-Id"

unimplemented_calls: list[str] = []
"""Every Twilio operation a caller asked for that the sandbox doesn't implement (newest last)."""

observers: list[Callable[[SandboxRequest], None]] = []
"""Called with each authenticated request (`sandbox.testing.authenticated_calls` records)."""


def _strict() -> bool:
    return getattr(settings, "SANDBOX_STRICT_PARAMS", False)


def _unknown_params(req: SandboxRequest, route: routing.Route) -> list[tuple[str, str]]:
    """(where, name) of every parameter the spec doesn't list for the operation."""
    allowed = spec.allowed_params(route.spec_name, route.template, route.method)
    if allowed is None:
        return []
    query_names, body_names = allowed
    unknown = [("query", name) for name in req.query if name not in query_names]
    body = req.json if isinstance(req.json, dict) else req.form
    return unknown + [("body", name) for name in body if name not in body_names]


def _check_params(req: SandboxRequest, route: routing.Route) -> None:
    """Strict (the test suite): refuse an unknown parameter with 400 / 20001, so a typo fails
    loudly. Lenient (`make run`): do as Twilio does, ignore it, but log it."""
    for where, name in _unknown_params(req, route):
        if _strict():
            raise TwilioError(20001, 400, f"Unknown parameter {name} for {route.operation}")
        logger.warning("sandbox: ignored unknown parameter %s for %s", name, route.operation)
        if where == "query":
            del req.query[name]
        elif isinstance(req.json, dict):
            del req.json[name]
        else:
            del req.form[name]


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


def with_request_id(headers: dict[str, str]) -> dict[str, str]:
    """Twilio stamps every answer, success or error, with `Twilio-Request-Id: RQ` + 32 hex."""
    return {**headers, REQUEST_ID_HEADER: new_sid("RQ")}


def error_answer(err: TwilioError) -> tuple[int, str, dict[str, str]]:
    """A TwilioError as Twilio answers it: its JSON body, its headers and a request id."""
    return err.status, json.dumps(err.body()), with_request_id({**_JSON, **err.headers})


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
    status, text, headers = _answer(req)
    return status, text, with_request_id(headers)


def _answer(req: SandboxRequest) -> tuple[int, str, dict[str, str]]:
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
        _check_params(req, req.route)
        if req.route.auth:
            req.account = auth.authenticate(req)
            if req.test_credentials and not req.route.test_credentials:
                raise TwilioError(
                    20008, 403, "Resource not accessible with Test Account Credentials"
                )
            for observe in observers:
                observe(req)
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
        status, text, headers = error_answer(err)
        return status, text.encode(), headers
    headers = {"Content-Type": content_type, "Content-Length": str(len(content))}
    return 200, content, with_request_id(headers)
