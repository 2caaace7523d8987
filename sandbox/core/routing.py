"""The route table: (product, method, Twilio path template) -> handler.

Templates are the OpenAPI path keys themselves (`/2010-04-01/Accounts/{AccountSid}/Messages.json`),
so each route names the operation of Twilio's spec it implements.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

_PARAM = re.compile(r"\{([A-Za-z0-9_]+)\}")


@dataclass(frozen=True)
class Route:
    product: str
    method: str
    template: str
    handler: Callable
    status: int
    auth: bool
    regex: re.Pattern
    test_credentials: bool = False

    @property
    def version(self) -> str:
        return self.template.strip("/").split("/", 1)[0]

    @property
    def spec_name(self) -> str:
        """The OAI spec file stem, e.g. `api_v2010`, `messaging_v1`."""
        version = self.version
        if version == "2010-04-01":
            version = "v2010"
        return f"{self.product}_{version}"

    @property
    def operation(self) -> str:
        return f"{self.method} {self.product}:{self.template}"

    @property
    def param_count(self) -> int:
        return len(_PARAM.findall(self.template))


_routes: dict[tuple[str, str], list[Route]] = {}
_discovered = False
_lock = threading.Lock()


def _compile(template: str) -> re.Pattern:
    pattern, last = "", 0
    for match in _PARAM.finditer(template):
        pattern += re.escape(template[last : match.start()])
        pattern += f"(?P<{match.group(1)}>[^/]+?)"
        last = match.end()
    pattern += re.escape(template[last:])
    return re.compile(f"^{pattern}$")


def route(
    product: str,
    method: str,
    template: str,
    *,
    status: int = 200,
    auth: bool = True,
    test_credentials: bool = False,
) -> Callable:
    """Register a handler for one Twilio operation.

    The handler takes a `SandboxRequest` and returns a resource dict (sent with `status`),
    `None` (204 No Content) or a `(status, dict)` pair. `test_credentials`: the operation
    also answers an account's test credentials (`req.test_credentials`), as the few Twilio
    supports with them do; every other operation refuses them (20008).
    """

    def register(handler: Callable) -> Callable:
        new = Route(
            product,
            method.upper(),
            template,
            handler,
            status,
            auth,
            _compile(template),
            test_credentials,
        )
        bucket = _routes.setdefault((product, new.method), [])
        if any(existing.template == template for existing in bucket):
            raise ValueError(f"route registered twice: {new.operation}")
        bucket.append(new)
        # Literal segments beat parameters: `/Services/Usecases` before `/Services/{Sid}`.
        bucket.sort(key=lambda r: (r.param_count, -len(r.template)))
        return handler

    return register


_file_routes: dict[str, list[Route]] = {}


def file_route(product: str, template: str) -> Callable:
    """Register a handler that serves a file's bytes on GET (Twilio's media URLs, which are
    not API operations of the spec). The handler returns `(content: bytes, content_type)`."""

    def register(handler: Callable) -> Callable:
        new = Route(product, "GET", template, handler, 200, True, _compile(template))
        _file_routes.setdefault(product, []).append(new)
        return handler

    return register


def resolve_file(product: str, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    discover()
    if method.upper() not in ("GET", "HEAD"):
        return None
    for candidate in _file_routes.get(product, ()):
        match = candidate.regex.match(path)
        if match:
            return candidate, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def discover() -> None:
    """Import every resource package's `handlers` (and `files`) module once, registering
    its routes."""
    global _discovered
    if _discovered:
        return
    with _lock:
        if _discovered:
            return
        for module in resource_modules("handlers") + resource_modules("files"):
            importlib.import_module(module)
        _discovered = True


def resource_modules(name: str) -> list[str]:
    """Dotted names of `sandbox.resources.<pkg>.<name>` modules that exist."""
    import sandbox.resources as resources

    found = []
    for info in pkgutil.iter_modules(resources.__path__):
        if not info.ispkg:
            continue
        dotted = f"{resources.__name__}.{info.name}.{name}"
        try:
            exists = importlib.util.find_spec(dotted) is not None
        except ModuleNotFoundError:
            exists = False
        if exists:
            found.append(dotted)
    return sorted(found)


def resolve(product: str, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    discover()
    for candidate in _routes.get((product, method.upper()), ()):
        match = candidate.regex.match(path)
        if match:
            return candidate, {k: unquote(v) for k, v in match.groupdict().items()}
    return None


def all_routes() -> list[Route]:
    """Every operation the sandbox implements: the registry contract tests check against."""
    discover()
    return sorted(
        (r for bucket in _routes.values() for r in bucket), key=lambda r: (r.product, r.template)
    )
