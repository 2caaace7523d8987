"""The parsed request handlers receive: params, form data, JSON body, the caller's account."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sandbox.core import formats
from sandbox.core.errors import missing_param

if TYPE_CHECKING:
    from sandbox.core.models import Account, SandboxState
    from sandbox.core.routing import Route


@dataclass
class SandboxRequest:
    method: str
    product: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    form: dict[str, list[str]] = field(default_factory=dict)
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    credentials: tuple[str, str] | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    account: Account | None = None
    # Signed with the account's test credentials: nothing is charged, sent or stored.
    test_credentials: bool = False
    # Set when the caller signed with an API key (`SK…`) rather than the account's token.
    api_key_sid: str = ""
    state: SandboxState | None = None
    route: Route | None = None

    @property
    def now(self) -> dt.datetime:
        return self.state.now

    @property
    def base_url(self) -> str:
        return f"https://{self.product}.twilio.com"

    @property
    def url(self) -> str:
        return self.base_url + self.path

    def arg(self, name: str) -> str:
        """A path parameter."""
        return self.path_params[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        """A form (body) parameter: the first value."""
        values = self.form.get(name)
        return values[0] if values else default

    def get_list(self, name: str) -> list[str]:
        return list(self.form.get(name, ()))

    def has(self, name: str) -> bool:
        return name in self.form

    def require(self, name: str, code: int = 21200) -> str:
        value = self.get(name)
        if value is None or value == "":
            raise missing_param(name, code)
        return value

    def get_bool(self, name: str, default: bool | None = None) -> bool | None:
        return formats.parse_bool(self.get(name), name, default)

    def get_int(self, name: str, default: int | None = None) -> int | None:
        return formats.parse_int(self.get(name), name, default)

    def q(self, name: str, default: str | None = None) -> str | None:
        """A query-string parameter: the first value."""
        values = self.query.get(name)
        return values[0] if values else default

    def q_bool(self, name: str, default: bool | None = None) -> bool | None:
        return formats.parse_bool(self.q(name), name, default)

    def q_int(self, name: str, default: int | None = None) -> int | None:
        return formats.parse_int(self.q(name), name, default)


def one(queryset):
    """The first row of a queryset or None, without the ORDER BY that `.first()` adds."""
    rows = list(queryset[:1])
    return rows[0] if rows else None
