"""Requests and answers in the wire formats botocore's service models describe: rest-json
for SES v2 (routes from each operation's `requestUri`) and query/XML for SNS."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from botocore.loaders import Loader
from botocore.model import OperationModel, ServiceModel, Shape

from sandbox.aws.errors import SNS_NS, AwsError

_loader = Loader()


@functools.cache
def service_model(name: str) -> ServiceModel:
    return ServiceModel(_loader.load_service_model(name, "service-2"), service_name=name)


@dataclass(frozen=True)
class RestRoute:
    operation: OperationModel
    regex: re.Pattern


def _compile(uri: str) -> re.Pattern:
    path = uri.split("?", 1)[0]
    pattern, last = "", 0
    for m in re.finditer(r"\{([A-Za-z0-9_]+)(\+?)\}", path):
        pattern += re.escape(path[last : m.start()])
        pattern += f"(?P<{m.group(1)}>{'.+' if m.group(2) else '[^/]+'})"
        last = m.end()
    return re.compile("^" + pattern + re.escape(path[last:]) + "$")


@functools.cache
def rest_routes(service: str) -> list[RestRoute]:
    model = service_model(service)
    routes = [
        RestRoute(
            model.operation_model(name), _compile(model.operation_model(name).http["requestUri"])
        )
        for name in model.operation_names
    ]
    # Literal segments beat labels: `/identities/list` style paths before `{Name}`.
    return sorted(routes, key=lambda r: (r.regex.pattern.count("(?P<"), -len(r.regex.pattern)))


# Paths older models (and SDKs) use for operations the current model moved.
LEGACY_ROUTES = {("sesv2", "GET", "/v2/email/identities"): "ListEmailIdentities"}


def match_rest(service: str, method: str, path: str) -> tuple[OperationModel, dict] | None:
    legacy = LEGACY_ROUTES.get((service, method.upper(), path.rstrip("/")))
    if legacy is not None:
        return service_model(service).operation_model(legacy), {}
    for route in rest_routes(service):
        if route.operation.http["method"] != method.upper():
            continue
        found = route.regex.match(path)
        if found:
            return route.operation, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


def _decode(shape: Shape | None, value):
    """JSON body values to Python: blobs base64-decoded, nested shapes walked."""
    if shape is None or value is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: _decode(shape.members.get(k), v) for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [_decode(shape.member, v) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: _decode(shape.value, v) for k, v in value.items()}
    if shape.type_name == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise AwsError("BadRequestException", "Invalid base64 blob.") from None
    return value


_PY_TYPES = {
    "structure": dict,
    "map": dict,
    "list": list,
    "string": str,
    "blob": bytes,
    "boolean": bool,
    "integer": int,
    "long": int,
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
}


def check_types(shape: Shape, value, where: str) -> None:
    """The JSON body's values have the model's types (AWS answers a 400 otherwise)."""
    expected = _PY_TYPES.get(shape.type_name)
    wrong_bool = shape.type_name in ("integer", "long", "double", "float") and isinstance(
        value, bool
    )
    if expected is not None and (not isinstance(value, expected) or wrong_bool):
        raise AwsError(
            "BadRequestException",
            f"Invalid type for parameter {where}: expected {shape.type_name}.",
        )
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if value.get(name) is not None:
                check_types(member, value[name], f"{where}.{name}" if where else name)
        for name in shape.required_members:
            if value.get(name) in (None, "") and where:
                raise AwsError("BadRequestException", f"{where}.{name} is required.")
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            check_types(shape.member, item, f"{where}[{index}]")
    elif shape.type_name == "map":
        for key, item in value.items():
            check_types(shape.value, item, f"{where}.{key}")


def parse_rest(
    operation: OperationModel, labels: dict, query: str, headers: dict, body: bytes
) -> dict:
    shape = operation.input_shape
    params: dict = {}
    if shape is None:
        return params
    if body:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise AwsError("BadRequestException", "The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise AwsError("BadRequestException", "The request body must be a JSON object.")
        params.update(_decode(shape, data))
        check_types(shape, params, "")
    qs = parse_qs(query, keep_blank_values=True)
    for name, member in shape.members.items():
        location, wire = member.serialization.get("location"), member.serialization.get("name")
        if location == "uri":
            params[name] = labels.get(wire or name)
        elif location == "querystring" and wire in qs:
            raw = qs[wire]
            params[name] = raw if member.type_name == "list" else _scalar(member, raw[0])
        elif location == "header" and (wire or "").lower() in headers:
            params[name] = headers[wire.lower()]
        elif location is None and not body and name in qs and member.type_name != "structure":
            params[name] = _scalar(member, qs[name][0])  # a legacy GET's query
    for required in shape.required_members:
        if params.get(required) in (None, ""):
            raise AwsError("BadRequestException", f"{required} is required.")
    return params


def _scalar(shape: Shape, raw: str):
    if shape.type_name in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise AwsError("BadRequestException", f"{shape.name} must be a number.") from None
    if shape.type_name == "boolean":
        return raw.lower() == "true"
    return raw


def _encode(shape: Shape | None, value):
    if value is None or shape is None:
        return value
    if shape.type_name == "structure":
        return {k: _encode(shape.members.get(k), v) for k, v in value.items() if v is not None}
    if shape.type_name == "list":
        return [_encode(shape.member, v) for v in value]
    if shape.type_name == "map":
        return {k: _encode(shape.value, v) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, dt.datetime):
        return value.timestamp()
    if shape.type_name == "blob" and isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def rest_body(operation: OperationModel, result: dict) -> bytes:
    return json.dumps(_encode(operation.output_shape, result or {})).encode()


def error_status(operation: OperationModel | None, code: str, default: int) -> int:
    """The HTTP status the model gives an error shape."""
    for shape in operation.error_shapes if operation is not None else ():
        if shape.name == code:
            return shape.metadata.get("error", {}).get("httpStatusCode", default)
    return default


# --- query (SNS) ------------------------------------------------------------------------


def parse_query(operation: OperationModel, form: dict[str, list[str]]) -> dict:
    """Flat `Name`, `Attributes.entry.N.key/value`, `Tags.member.N.Key` params to kwargs."""
    shape = operation.input_shape
    params: dict = {}
    if shape is None:
        return params
    for name, member in shape.members.items():
        if member.type_name == "map":
            entries = _indexed(form, f"{name}.entry.")
            if entries:
                params[name] = {e.get("key", ""): e.get("value", "") for e in entries}
        elif member.type_name == "list":
            entries = _indexed(form, f"{name}.member.")
            if entries:
                params[name] = entries
        elif name in form:
            params[name] = _scalar(member, form[name][0])
    for required in shape.required_members:
        if params.get(required) in (None, ""):
            raise AwsError("InvalidParameter", f"Invalid parameter: {required}")
    return params


def _indexed(form: dict[str, list[str]], prefix: str) -> list[dict]:
    found: dict[int, dict] = {}
    for key, values in form.items():
        if key.startswith(prefix):
            index, _, field = key[len(prefix) :].partition(".")
            if index.isdigit():
                found.setdefault(int(index), {})[field] = values[0]
    return [found[i] for i in sorted(found)]


def _xml(shape: Shape | None, value) -> str:
    if value is None:
        return ""
    if shape is not None and shape.type_name == "structure":
        return "".join(
            f"<{k}>{_xml(shape.members.get(k), v)}</{k}>" for k, v in value.items() if v is not None
        )
    if shape is not None and shape.type_name == "list":
        return "".join(f"<member>{_xml(shape.member, v)}</member>" for v in value)
    if shape is not None and shape.type_name == "map":
        return "".join(
            f"<entry><key>{escape(str(k))}</key><value>{_xml(shape.value, v)}</value></entry>"
            for k, v in value.items()
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def query_body(operation: OperationModel, result: dict | None, request_id: str) -> bytes:
    name = operation.name
    inner = ""
    if operation.output_shape is not None:
        wrapper = f"{name}Result"
        inner = f"<{wrapper}>{_xml(operation.output_shape, result or {})}</{wrapper}>"
    return (
        f'<{name}Response xmlns="{SNS_NS}">{inner}'
        f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>"
        f"</{name}Response>"
    ).encode()
