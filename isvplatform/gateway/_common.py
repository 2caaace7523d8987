"""Helpers several product modules share."""

from collections.abc import Iterable
from typing import Any


def find_named(instances: Iterable[Any], friendly_name: str) -> Any | None:
    """The first resource named exactly `friendly_name` (lists without a name filter page)."""
    return next((i for i in instances if i.friendly_name == friendly_name), None)
