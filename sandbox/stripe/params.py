"""Stripe's form encoding (`payload[value]=5`, `expand[]=x`) as nested dicts, and the
checks every endpoint makes on them (unknown, missing and malformed parameters)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from sandbox.stripe.errors import StripeApiError, invalid, missing

_PART = re.compile(r"\[([^\]]*)\]")


def decode(text: str) -> dict[str, Any]:
    """`a[b]=1&a[c]=2&x[]=y` -> `{"a": {"b": "1", "c": "2"}, "x": ["y"]}`."""
    result: dict[str, Any] = {}
    for name, value in parse_qsl(text or "", keep_blank_values=True):
        head, _, rest = name.partition("[")
        parts = [head, *_PART.findall("[" + rest)] if rest else [head]
        _place(result, parts, value)
    return result


def _place(target: dict[str, Any], parts: list[str], value: str) -> None:
    node: Any = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        following = None if last else parts[index + 1]
        if isinstance(node, list):
            if last:
                node.append(value)
                return
            child: Any = {} if following else []
            node.append(child)
            node = child
            continue
        if last:
            node[part] = value
            return
        node = node.setdefault(part, [] if following == "" else {})


def known(params: dict[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed) | {"expand"}
    for name in params:
        if name not in allowed:
            raise StripeApiError(
                400, f"Received unknown parameter: {name}", param=name, code="parameter_unknown"
            )


def required(params: dict[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise missing(name)
    if not isinstance(value, str):
        raise invalid(name, f"Invalid string: {name} must be a string.")
    return value


def optional(params: dict[str, Any], name: str, max_length: int = 5000) -> str:
    value = params.get(name, "")
    if not isinstance(value, str):
        raise invalid(name, f"Invalid string: {name} must be a string.")
    if len(value) > max_length:
        raise invalid(name, f"Invalid string: must be at most {max_length} characters.")
    return value


def mapping(params: dict[str, Any], name: str) -> dict[str, Any]:
    value = params.get(name, {})
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid(
            name, f"Invalid object: {name} must be a hash.", code="parameter_invalid_object"
        )
    return value


def integer(params: dict[str, Any], name: str, *, minimum: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise invalid(name, f"Invalid integer: {value}", code="parameter_invalid_integer") from None
    if minimum is not None and number < minimum:
        raise invalid(name, f"Invalid integer: {name} must be at least {minimum}.")
    return number


def choice(params: dict[str, Any], name: str, choices: Iterable[str]) -> str:
    value = required(params, name)
    choices = list(choices)
    if value not in choices:
        raise invalid(name, f"Invalid {name}: must be one of {', '.join(choices)}")
    return value
