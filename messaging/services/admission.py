"""The seam where spending limits and sending quotas (the billing app) admit every send.

Every send path asks `admit(tenant, channel=..., count=..., origin=...)` after its own
checks and before it stores anything: a single send (`message_send`, `email_send`) with
count 1, a batch with the number of its good drafts per channel. Each registered check
answers how many of `count` may go and, when fewer, the refusal for the rest; the first
check that admits fewer than asked decides (checks run in registration order, so one that
only looks, the hard spending limit, goes before one that takes, a quota). A check that
takes (a quota counter) keeps what it granted even if a later step fails: the counter
errs towards counting a send that did not happen, never the other way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from messaging.services.common import SendRefused


@dataclass(frozen=True)
class Admission:
    granted: int
    refusal: SendRefused | None = None


# check(tenant, *, channel, count, origin) -> Admission
Check = Callable[..., Admission]
_CHECKS: list[Check] = []


def register(check: Check) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def admit(tenant: Any, *, channel: str, count: int = 1, origin: str) -> Admission:
    """How many of `count` sends on `channel` the tenant may make now."""
    granted = count
    for check in _CHECKS:
        admission = check(tenant, channel=channel, count=granted, origin=origin)
        if admission.granted < granted:
            return admission
    return Admission(granted)


def refusal_of(admission: Admission) -> SendRefused:
    return admission.refusal or SendRefused("not_admitted", "This send is not allowed now.")


def admit_one(tenant: Any, *, channel: str, origin: str) -> None:
    """Raise the refusal when a single send is not admitted."""
    admission = admit(tenant, channel=channel, count=1, origin=origin)
    if admission.granted < 1:
        raise refusal_of(admission)
