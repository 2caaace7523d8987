"""The `DateSent` / `DateCreated` list filters (`=`, `<=`, `>=`, a day or a moment)."""

from __future__ import annotations

import datetime as dt

from sandbox.core import formats
from sandbox.core.errors import invalid_param
from sandbox.core.request import SandboxRequest


def date_filter(messages, field: str, req: SandboxRequest, name: str):
    for suffix, lookup in (("", "date"), ("<", "lte"), (">", "gte")):
        raw = req.q(name + suffix)
        if raw is None:
            continue
        if len(raw) <= 10:
            day = formats.parse_date(raw, name + suffix)
            date_lookup = {"date": "date", "lte": "date__lte", "gte": "date__gte"}[lookup]
            messages = messages.filter(**{f"{field}__{date_lookup}": day})
        else:
            try:
                moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise invalid_param(name + suffix)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            if lookup == "date":
                messages = messages.filter(**{f"{field}__date": moment.date()})
            else:
                messages = messages.filter(**{f"{field}__{lookup}": moment})
    return messages
