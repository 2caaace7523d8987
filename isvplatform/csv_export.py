"""Streamed CSV downloads whose cells a spreadsheet won't run as formulas."""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

_PHONE = re.compile(r"^\+?[0-9 ()\-.]{5,20}$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """A cell a spreadsheet won't run as a formula (phone numbers keep their leading +)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PHONE.match(text):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_csv(filename: str, header: list[str], rows: Iterable[Iterable[Any]]):
    """A streamed CSV download: rows are produced while the response is being sent."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
