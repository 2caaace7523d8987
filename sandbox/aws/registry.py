"""The operations the local AWS implements, registered by the service modules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.aws.models import AwsAccount

SES, SNS = "sesv2", "sns"


@dataclass(frozen=True)
class Context:
    """The caller of one operation: account, region of the signature, sandbox time."""

    account: AwsAccount
    region: str
    now: dt.datetime


Handler = Callable[[Context, dict], "dict | None"]
handlers: dict[tuple[str, str], Handler] = {}


def operation(service: str, name: str) -> Callable[[Handler], Handler]:
    """Register the handler of one operation of botocore's model (`SendEmail`...)."""

    def register(fn: Handler) -> Handler:
        handlers[(service, name)] = fn
        return fn

    return register
