"""Finding every API route, and making tenant-owned objects for the tenancy walk.

Each app says how to make one of its tenant-owned objects, in its `tests/factories.py`:

    register_tenant_factory(Widget, lambda tenant: WidgetFactory(tenant=tenant))

`load_app_factories()` imports that module of every installed app, so the walk in
`tenants/tests/test_tenancy_walk.py` covers a new route as soon as it is in the URL conf,
and fails for a tenant-scoped route whose model has no factory.
"""

import importlib
import importlib.util
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RoutePattern
from rest_framework import mixins

from isvplatform.api.views import StaffAPIView, TenantScopedMixin

TenantFactory = Callable[[Any], models.Model]

_factories: dict[type[models.Model], TenantFactory] = {}

API_PREFIX = "/api/v1/"
WALKED_METHODS = ("GET", "PUT", "PATCH", "DELETE", "POST")
# An id no test row reaches, yet valid for a 32-bit integer column.
MISSING_INT = 2_147_483_000


def register_tenant_factory(model: type[models.Model], factory: TenantFactory) -> None:
    """`factory(tenant)` makes and saves one `model` object owned by `tenant`."""
    _factories[model] = factory


def load_app_factories() -> None:
    """Import `<app>.tests.factories` of every installed app that has one."""
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.factories"
        try:
            found = importlib.util.find_spec(name)
        except ModuleNotFoundError:
            continue
        if found is not None:
            importlib.import_module(name)


def tenant_factory_for(model: type[models.Model]) -> TenantFactory:
    load_app_factories()
    try:
        return _factories[model]
    except KeyError:
        raise LookupError(
            f"No tenant factory for {model._meta.label}: add "
            f"register_tenant_factory({model.__name__}, lambda tenant: ...) to "
            f"{model._meta.app_config.name}/tests/factories.py so the tenancy walk covers "
            "its API routes."
        ) from None


@dataclass(frozen=True)
class ApiRoute:
    """One URL pattern of the API with the view class that serves it."""

    route: str
    view_class: type
    converters: dict[str, Any]

    def __str__(self) -> str:
        return self.route

    @property
    def params(self) -> list[str]:
        return list(self.converters)

    @property
    def methods(self) -> list[str]:
        names = getattr(self.view_class, "http_method_names", [])
        return [
            m for m in WALKED_METHODS if m.lower() in names and hasattr(self.view_class, m.lower())
        ]

    @property
    def write_methods(self) -> list[str]:
        return [m for m in self.methods if m != "GET"]

    @property
    def is_staff(self) -> bool:
        return issubclass(self.view_class, StaffAPIView)

    @property
    def is_tenant_scoped(self) -> bool:
        return issubclass(self.view_class, TenantScopedMixin)

    @property
    def is_list(self) -> bool:
        return issubclass(self.view_class, mixins.ListModelMixin) and not self.params

    @property
    def model(self) -> type[models.Model] | None:
        """The model whose objects the route's id names."""
        if self.is_tenant_scoped:
            return self.view_class.model
        queryset = getattr(self.view_class, "queryset", None)
        return queryset.model if queryset is not None else None

    @property
    def lookup_param(self) -> str:
        kwarg = getattr(self.view_class, "lookup_url_kwarg", None)
        return kwarg or getattr(self.view_class, "lookup_field", "pk")

    def lookup_value(self, obj: models.Model) -> Any:
        return getattr(obj, getattr(self.view_class, "lookup_field", "pk"))

    def missing_value(self) -> Any:
        converter = self.converters[self.lookup_param]
        if isinstance(converter, IntConverter):
            return MISSING_INT
        if isinstance(converter, UUIDConverter):
            return uuid.uuid4()
        return f"missing-{uuid.uuid4().hex[:12]}"

    def url(self, **values: Any) -> str:
        missing = set(self.converters) - set(values)
        if missing:
            raise ValueError(f"{self.route} needs {sorted(missing)}")
        return re.sub(
            r"<(?:[^>:]+:)?([^>]+)>",
            lambda m: self.converters[m.group(1)].to_url(values[m.group(1)]),
            self.route,
        )

    def openapi_path(self) -> str:
        return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", self.route)


def api_routes(prefix: str = API_PREFIX) -> list[ApiRoute]:
    """Every route of the URL conf under `prefix`, with its view class.

    Raises for a route the walk can't inspect (a regex pattern or a function view), so
    no API route escapes it.
    """
    found: list[ApiRoute] = []

    def walk(patterns, route: str, converters: dict[str, Any]) -> None:
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern):
                full = route + str(pattern.pattern)
                if _overlaps(full, prefix):
                    raise TypeError(f"{full}: API routes must use path(), not re_path()")
                continue
            full = route + str(pattern.pattern)
            if not _overlaps(full, prefix):
                continue
            merged = {**converters, **pattern.pattern.converters}
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, full, merged)
            elif isinstance(pattern, URLPattern) and full.startswith(prefix):
                callback = pattern.callback
                view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
                if view_class is None:
                    raise TypeError(f"{full}: API routes must be served by class-based views")
                found.append(ApiRoute(full, view_class, merged))

    walk(get_resolver().url_patterns, "/", {})
    return found


def _overlaps(route: str, prefix: str) -> bool:
    return route.startswith(prefix) or prefix.startswith(route)


def snapshot(obj: models.Model) -> dict[str, Any] | None:
    """The stored field values of `obj`, read afresh (None when the row is gone)."""
    fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
    if fresh is None:
        return None
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}
