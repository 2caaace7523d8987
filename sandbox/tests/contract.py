"""Checks an SDK exchange against Twilio's OpenAPI spec for the operation it called.

The response must validate against the operation's response schema (OAI 3.0 `nullable`
turned into JSON Schema), carry no field the schema doesn't list, and the request must use
only parameter names the spec lists. Twilio's specs miss `nullable` where their own
examples answer null (Lookup v2's packages and their `error_code`): a null validates where
the operation's examples show one, and inside any nested object.
"""

from __future__ import annotations

import functools
import json
from urllib.parse import parse_qs, urlsplit

from jsonschema import Draft7Validator

from sandbox.core import routing, spec
from sandbox.testing import Exchange


def _convert(node):
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {k: _convert(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "$ref" in converted:
            return {"anyOf": [{"$ref": converted["$ref"]}, {"type": "null"}]}
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
        if "enum" in converted:
            converted["enum"] = [*converted["enum"], None]
    return converted


@functools.cache
def _components(spec_name: str) -> dict:
    return _convert(spec.load_spec(spec_name)["components"])


def _response_schema(route: routing.Route, status: int) -> dict | None:
    op = spec.operation(route.spec_name, route.template, route.method)
    assert op is not None, f"{route.operation} is not in the spec"
    response = op["responses"].get(str(status))
    assert response is not None, f"{route.operation} answered {status}, not a status in the spec"
    content = response.get("content", {}).get("application/json")
    return content["schema"] if content else None


def _properties(spec_name: str, schema: dict) -> set[str] | None:
    resolved = spec.resolve_schema(spec.load_spec(spec_name), schema)
    props = resolved.get("properties")
    return set(props) if props is not None else None


def _null_paths(node, path: tuple = ()) -> set[tuple]:
    if isinstance(node, dict):
        return set().union(*(_null_paths(v, (*path, k)) for k, v in node.items()))
    if isinstance(node, list):
        return set().union(set(), *(_null_paths(v, path) for v in node))
    return {path} if node is None else set()


def _example_nulls(route: routing.Route, status: int) -> set[tuple]:
    op = spec.operation(route.spec_name, route.template, route.method)
    content = op["responses"][str(status)].get("content", {}).get("application/json", {})
    examples = [e.get("value") for e in content.get("examples", {}).values()]
    return set().union(set(), *(_null_paths(example) for example in examples))


def _tolerated_null(error, example_nulls: set[tuple]) -> bool:
    """A null the spec's examples answer at that place, or one inside a nested object."""
    if error.instance is not None or error.validator not in ("type", "anyOf"):
        return False
    names = tuple(part for part in error.path if isinstance(part, str))
    return names in example_nulls or len(names) >= 2


def route_of(exchange: Exchange) -> routing.Route | None:
    parts = urlsplit(exchange.url)
    found = routing.resolve(parts.hostname.split(".")[0], exchange.method, parts.path)
    return found[0] if found else None


def check(exchange: Exchange) -> routing.Route:
    """Assert the exchange honours the contract; returns the route it exercised."""
    route = route_of(exchange)
    assert route is not None, f"unimplemented: {exchange.method} {exchange.url}"
    query_names, body_names = spec.allowed_params(route.spec_name, route.template, route.method)
    sent_query = set(exchange.params) | set(parse_qs(urlsplit(exchange.url).query))
    assert sent_query <= query_names, f"{route.operation}: unknown query {sent_query - query_names}"
    data = exchange.data or {}
    sent_body = set(data) if isinstance(data, dict) else {name for name, _ in data}
    assert sent_body <= body_names, f"{route.operation}: unknown params {sent_body - body_names}"
    if exchange.status >= 400:
        body = json.loads(exchange.text)
        assert set(body) == {"code", "message", "more_info", "status"}, body
        assert isinstance(body["code"], int) and body["status"] == exchange.status
        return route
    schema = _response_schema(route, exchange.status)
    if schema is None:
        assert exchange.text == "", f"{route.operation}: expected an empty body"
        return route
    body = json.loads(exchange.text)
    root = {"allOf": [_convert(schema)], "components": _components(route.spec_name)}
    nulls = _example_nulls(route, exchange.status)
    errors = sorted(
        (e for e in Draft7Validator(root).iter_errors(body) if not _tolerated_null(e, nulls)),
        key=lambda e: list(e.path),
    )
    assert not errors, f"{route.operation}: " + "; ".join(
        f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]
    )
    allowed = _properties(route.spec_name, schema)
    if allowed is not None:
        extra = set(body) - allowed
        assert not extra, f"{route.operation}: fields not in the spec: {extra}"
        for key, value in body.items():
            if isinstance(value, list) and value and isinstance(value[0], dict):
                item_schema = spec.resolve_schema(
                    spec.load_spec(route.spec_name),
                    spec.resolve_schema(spec.load_spec(route.spec_name), schema)["properties"][key],
                ).get("items", {})
                item_props = _properties(route.spec_name, item_schema) if item_schema else None
                if item_props is not None:
                    for item in value:
                        extra = set(item) - item_props
                        assert not extra, f"{route.operation} {key}[]: not in the spec: {extra}"
    return route
