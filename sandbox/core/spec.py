"""Twilio's OpenAPI specs, read lazily: which parameter names each operation accepts.

Used to refuse parameter names the spec doesn't list (`SANDBOX_STRICT_PARAMS`, on in tests),
so a platform request Twilio would silently ignore fails loudly there; otherwise they are
logged and ignored. The specs ship in
`sandbox/twilio_oai/`; `SANDBOX_OAI_DIR` points at another copy.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.conf import settings


def spec_dir() -> Path:
    configured = getattr(settings, "SANDBOX_OAI_DIR", None)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "twilio_oai"


@functools.cache
def load_spec(name: str) -> dict | None:
    path = spec_dir() / f"twilio_{name}.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())


def operation(spec_name: str, template: str, method: str) -> dict | None:
    spec = load_spec(spec_name)
    if spec is None:
        return None
    return spec["paths"].get(template, {}).get(method.lower())


def resolve_schema(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


@functools.cache
def allowed_params(
    spec_name: str, template: str, method: str
) -> tuple[frozenset[str], frozenset[str]] | None:
    """(query names, body names) the spec lists for an operation, or None if unknown."""
    op = operation(spec_name, template, method)
    if op is None:
        return None
    spec = load_spec(spec_name)
    query = frozenset(p["name"] for p in op.get("parameters", ()) if p.get("in") == "query")
    body: set[str] = set()
    for content in op.get("requestBody", {}).get("content", {}).values():
        body.update(resolve_schema(spec, content.get("schema", {})).get("properties", {}))
    return query, frozenset(body)
