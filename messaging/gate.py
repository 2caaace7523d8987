"""The seam where the A2P 10DLC sending gate plugs into every send.

The compliance app (a later issue) provides `compliance.gate.compliance_gate(tenant, sender)`,
which returns None when the tenant may send from `sender` and raises a Django
`ValidationError` naming the missing registration step otherwise. Until that module exists
every send is allowed. `sender` is a `messaging.services.Sender`: channel, to, from_number,
messaging_service_sid, account_sid, via_master and the `PhoneNumber` row when one is used.
"""

import importlib
import importlib.util
from collections.abc import Callable
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _gate() -> Callable[[Any, Any], None] | None:
    if importlib.util.find_spec("compliance") is None:
        return None
    if importlib.util.find_spec("compliance.gate") is None:
        return None
    return importlib.import_module("compliance.gate").compliance_gate


def compliance_gate(tenant, sender) -> None:
    """Refuse (ValidationError) a send the 10DLC rules don't allow yet; otherwise do nothing."""
    gate = _gate()
    if gate is not None:
        gate(tenant, sender)
