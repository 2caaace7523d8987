"""CSV in and out: opt-out imports and exports, message log exports (streamed)."""

import csv
import io
import re
from typing import Any

from django.core.exceptions import ValidationError

# The streaming and formula-safe cells are shared with other apps' exports.
from isvplatform.csv_export import safe_cell as safe_cell
from isvplatform.csv_export import stream_csv as stream_csv

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Characters no text CSV holds: C0 controls other than tab, line feed and carriage return.
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_optout_upload(upload) -> list[dict[str, str]]:
    """The rows of an uploaded opt-out CSV; raises ValidationError saying what is wrong."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError("Import at most 5 MB at a time.")
    return read_optout_csv(upload.read())


def read_optout_csv(raw: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded CSV as dicts with lower-case keys; a file without a header row is
    read as one number per line. Lines may end in LF, CRLF or a bare CR; a file that isn't
    UTF-8 text (a spreadsheet, an image, NUL bytes) is refused with a ValidationError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValidationError("This isn't a CSV text file; save it as CSV (UTF-8).") from err
    if _BINARY.search(text):
        raise ValidationError("This isn't a CSV text file: it holds control characters.")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise ValidationError(f"This CSV file can't be read: {err}.") from err
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    if {"number", "phone"} & set(header):
        return [
            {header[i]: (cell or "").strip() for i, cell in enumerate(row) if i < len(header)}
            for row in rows[1:]
            if any(cell.strip() for cell in row)
        ]
    return [{"number": row[0].strip()} for row in rows if row and row[0].strip()]


MESSAGE_HEADER = [
    "id",
    "created_at",
    "direction",
    "channel",
    "from",
    "to",
    "status",
    "error_code",
    "error_message",
    "segments",
    "encoding",
    "price",
    "price_unit",
    "sid",
    "template",
    "button_text",
    "subject",
    "esp_message_id",
    "body",
]


def message_row(message) -> list[Any]:
    return [
        message.pk,
        message.created_at.isoformat(),
        message.direction,
        message.channel,
        message.from_number,
        message.to_number,
        message.status,
        message.error_code or "",
        message.error_message,
        message.segments,
        message.encoding,
        message.price if message.price is not None else "",
        message.price_unit,
        message.sid or "",
        message.template.name if message.template_id else "",
        message.button_text,
        message.subject,
        message.esp_message_id or "",
        message.body,
    ]


OPTOUT_HEADER = ["number", "channel", "source", "keyword", "reason", "added_by", "created_at"]


def optout_row(optout) -> list[Any]:
    return [
        optout.number,
        optout.channel,
        optout.source,
        optout.keyword,
        optout.reason,
        optout.actor_label,
        optout.created_at.isoformat(),
    ]
