"""The gateway package's shape: callers' one import works and no module leans on SDK internals."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

from isvplatform import gateway

PACKAGE_DIR = Path(gateway.__file__).parent
SHARED = {"client", "errors", "http", "results", "signatures", "_common"}


def _source_modules() -> list[Path]:
    return sorted(PACKAGE_DIR.glob("*.py"))


def _private_sdk_uses(path: Path) -> list[str]:
    """`x._name` attribute reads on anything but `self`/`cls`, and `from twilio... import _x`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            owner = node.value
            if not node.attr.startswith("__") and not (
                isinstance(owner, ast.Name) and owner.id in ("self", "cls")
            ):
                found.append(f"{path.name}:{node.lineno} .{node.attr}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("twilio"):
            private = [a.name for a in node.names if a.name.startswith("_")]
            found += [f"{path.name}:{node.lineno} import {name}" for name in private]
    return found


def test_no_gateway_module_reaches_into_the_sdks_private_attributes():
    uses = [use for path in _source_modules() for use in _private_sdk_uses(path)]
    assert uses == []


def test_every_exported_name_resolves_once():
    assert len(gateway.__all__) == len(set(gateway.__all__))
    missing = [name for name in gateway.__all__ if not hasattr(gateway, name)]
    assert missing == []


def test_every_public_operation_of_a_product_module_is_exported():
    products = [
        m.name
        for m in pkgutil.iter_modules([str(PACKAGE_DIR)])
        if not m.ispkg and m.name not in SHARED
    ]
    assert set(products) >= {"accounts", "numbers", "messages", "messaging_services", "trusthub"}
    unexported = []
    for name in products:
        module = importlib.import_module(f"isvplatform.gateway.{name}")
        for attr, value in vars(module).items():
            public = inspect.isfunction(value) and not attr.startswith("_")
            defined_here = getattr(value, "__module__", None) == module.__name__
            if public and defined_here and attr not in gateway.__all__:
                unexported.append(f"{name}.{attr}")
    assert unexported == []
