"""One entry point for the local AWS: SigV4 check, route by the service model, handler,
answer in the service's wire format. In-process (boto3 `before-send`) and HTTP both call
`handle`."""

from __future__ import annotations

import logging
import time
import uuid
from urllib.parse import parse_qs, urlsplit

from django.db import transaction
from django.utils import timezone

from sandbox import clock, faults
from sandbox.aws import protocol, sigv4
from sandbox.aws.errors import AwsError, response_headers
from sandbox.aws.registry import SES, SNS, Context, handlers
from sandbox.core import dispatch as core_dispatch
from sandbox.core.models import SandboxState
from sandbox.core.state import load_state

logger = logging.getLogger("sandbox.aws")

Answer = tuple[int, dict[str, str], bytes]


def _discover() -> None:
    """The service modules register their handlers on import."""
    from sandbox.aws import mail, ses, sns  # noqa: F401


def implemented() -> list[tuple[str, str]]:
    _discover()
    return sorted(handlers)


def _host(url: str) -> str:
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    return f"{host}:{parts.port}" if parts.port and parts.port != default else host


def handle(
    method: str, url: str, headers: dict[str, str], body: bytes, raw_path: str = ""
) -> Answer:
    """Serve one signed AWS request; `raw_path` is the path as sent (percent-encoded)."""
    _discover()
    parts = urlsplit(url)
    headers = {
        k.lower(): v.decode("latin-1") if isinstance(v, bytes) else str(v)
        for k, v in headers.items()
    }
    headers.setdefault("host", _host(url))
    path = parts.path or "/"
    service = SES if path.startswith("/v2/email") else SNS
    protocol_name = "rest-json" if service == SES else "query"
    operation_model = None
    try:
        signed = sigv4.verify(
            method=method,
            raw_path=raw_path or path,
            query=parts.query,
            headers=headers,
            body=body,
            protocol=protocol_name,
            now=timezone.now(),
        )
        ctx = Context(signed.account, signed.region, clock.now())
        if service == SES:
            found = protocol.match_rest(SES, method, path)
            if found is None:
                raise AwsError("NotFoundException", f"No SES v2 operation at {method} {path}", 404)
            operation_model, labels = found
            params = protocol.parse_rest(operation_model, labels, parts.query, headers, body)
            result = _call(service, operation_model.name, ctx, params, method, path)
            status = operation_model.http.get("responseCode", 200)
            return (
                status,
                response_headers("application/json"),
                protocol.rest_body(operation_model, result),
            )
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        action = (form.get("Action") or [""])[0]
        model = protocol.service_model(SNS)
        if action not in model.operation_names:
            raise AwsError("InvalidAction", f"Could not find operation {action}", 400)
        operation_model = model.operation_model(action)
        params = protocol.parse_query(operation_model, form)
        result = _call(service, action, ctx, params, method, f"/{action}")
        request_id = str(uuid.uuid4())
        answer_headers = response_headers("text/xml")
        answer_headers["x-amzn-RequestId"] = request_id
        return 200, answer_headers, protocol.query_body(operation_model, result, request_id)
    except AwsError as err:
        err.status = protocol.error_status(operation_model, _shape_name(err.code), err.status)
        return err.rest_json() if protocol_name == "rest-json" else err.query_xml()
    except Exception:
        # AWS answers an unexpected failure with a 500 InternalFailure, never a bare page.
        logger.exception("the local AWS failed on %s %s", method, path)
        err = _internal(service)
        return err.rest_json() if protocol_name == "rest-json" else err.query_xml()


def _shape_name(code: str) -> str:
    return code if code.endswith("Exception") or code == "MessageRejected" else code + "Exception"


def _throttled(service: str) -> AwsError:
    if service == SES:
        return AwsError("TooManyRequestsException", "Too many requests.", 429)
    return AwsError("Throttling", "Rate exceeded", 400)


def _internal(service: str) -> AwsError:
    if service == SES:
        return AwsError(
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
            500,
            sender=False,
        )
    return AwsError("InternalError", "Internal Error", 500, sender=False)


def _inject_faults(service: str, fault_path: str) -> SandboxState:
    """The sandbox's faults (`sandbox.faults`): latency, throttling, 500s; `path_pattern`
    matches the SES path (`/v2/email/outbound-emails`) or `/{Action}` for SNS."""
    state = load_state()
    if not (state.rate_429 or state.rate_500 or state.latency_ms):
        return state
    if not faults.applies_to(state, fault_path):
        return state
    if state.latency_ms:
        time.sleep(state.latency_ms / 1000)
    if faults.chance(state, state.rate_429):
        raise _throttled(service)
    if faults.chance(state, state.rate_500):
        raise _internal(service)
    return state


def _call(
    service: str, name: str, ctx: Context, params: dict, method: str, fault_path: str
) -> dict | None:
    state = _inject_faults(service, fault_path)
    handler = handlers.get((service, name))
    if handler is None:
        call = f"{service}:{name}"
        logger.warning("the local AWS does not implement %s", call)
        core_dispatch.unimplemented_calls.append(call)
        code = "BadRequestException" if service == SES else "InvalidAction"
        raise AwsError(code, f"The sandbox does not implement {name}.", 400)
    with transaction.atomic():
        result = handler(ctx, params)
    lose = method.upper() in ("POST", "PUT") and state.rate_500_after_write
    if lose and faults.applies_to(state, fault_path) and faults.chance(state, lose):
        raise _internal(service)
    return result
