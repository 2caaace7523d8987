"""Reading an uploaded CSV record by record from a byte offset, without trusting it.

The import resumes from the byte offset after the last chunk it committed, so records are
read from the binary file and their end offsets tracked (a quoted cell may span lines).
A line longer than `MAX_LINE_BYTES`, bytes that aren't UTF-8, or a NUL byte make that
record an error row instead of stopping the import.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import ValidationError

MAX_LINE_BYTES = 64 * 1024
MAX_RECORD_BYTES = 256 * 1024
MAX_COLUMNS = 100
SNIFF_BYTES = 64 * 1024
DELIMITERS = ",;\t|"
BOM = b"\xef\xbb\xbf"


@dataclass
class Record:
    """One data record: its cells, or why it could not be read; `end` is the byte offset
    right after it."""

    cells: list[str] = field(default_factory=list)
    error: str = ""
    end: int = 0


def _parse(text: str, delimiter: str) -> list[str] | None:
    """The cells of one record's text; None while a quoted cell is still open."""
    try:
        rows = list(csv.reader([text], delimiter=delimiter, strict=True))
    except csv.Error:
        if text.count('"') % 2:
            return None
        raise
    return rows[0] if rows else []


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(MAX_LINE_BYTES)
        if not chunk or chunk.endswith(b"\n"):
            return


def _read_raw(stream: IO[bytes], delimiter: str) -> Record | None:
    """The next record's bytes decoded and parsed (None at the end of the file)."""
    raw = b""
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            if not raw:
                return None
            return Record(error="A quoted cell is never closed.", end=stream.tell())
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            return Record(
                error=f"The line is longer than {MAX_LINE_BYTES:,} bytes.", end=stream.tell()
            )
        raw += line
        if b"\x00" in raw:
            if b'"' not in raw or raw.count(b'"') % 2 == 0:
                return Record(error="The row has a NUL byte (a binary file?).", end=stream.tell())
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return Record(
                error="The row is not UTF-8 text (save the file as “CSV UTF-8”).",
                end=stream.tell(),
            )
        try:
            cells = _parse(text.rstrip("\r\n"), delimiter)
        except csv.Error as err:
            return Record(error=f"The row is not valid CSV ({err}).", end=stream.tell())
        if cells is not None:
            return Record(cells=cells, end=stream.tell())
        if len(raw) > MAX_RECORD_BYTES:
            return Record(error="A quoted cell runs on too long.", end=stream.tell())


def records(stream: IO[bytes], *, offset: int, delimiter: str) -> Iterator[Record]:
    """The records from byte `offset` on (blank lines skipped)."""
    stream.seek(offset)
    while True:
        record = _read_raw(stream, delimiter)
        if record is None:
            return
        if not record.error and not any(cell.strip() for cell in record.cells):
            continue
        if len(record.cells) > MAX_COLUMNS:
            record = Record(error=f"The row has more than {MAX_COLUMNS} cells.", end=record.end)
        yield record


@dataclass(frozen=True)
class Header:
    delimiter: str
    columns: list[str]
    data_offset: int


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        name = name.strip()[:100] or "column"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def sniff_header(stream: IO[bytes]) -> Header:
    """The delimiter and the header row of a CSV; a ValidationError on `file` when it is
    binary, not UTF-8, empty or has no usable header."""
    stream.seek(0)
    start = stream.read(SNIFF_BYTES)
    offset = len(BOM) if start.startswith(BOM) else 0
    first_line = start[offset:].split(b"\n", 1)[0]
    # A stray NUL in a row is that row's error; NULs in the header or all over are binary.
    if b"\x00" in first_line or start.count(b"\x00") > len(start) // 100:
        raise ValidationError({"file": "This is not a CSV file (it has binary content)."})
    try:
        text = first_line.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValidationError(
            {"file": "The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."}
        ) from err
    first_line = text.rstrip("\r")
    if not first_line.strip():
        raise ValidationError({"file": "The file is empty: the first row names the columns."})
    counts = {d: first_line.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    header = next(records(stream, offset=offset, delimiter=delimiter), None)
    if header is None or header.error:
        raise ValidationError(
            {"file": f"The header row can't be read: {header.error if header else 'empty'}"}
        )
    if len(header.cells) > MAX_COLUMNS:
        raise ValidationError({"file": f"The file has more than {MAX_COLUMNS} columns."})
    return Header(delimiter=delimiter, columns=_unique(header.cells), data_offset=header.end)


def count_lines(stream: IO[bytes]) -> int:
    """Newlines in the file: a quick upper bound of its records, for the progress bar."""
    stream.seek(0)
    total = 0
    last = b"\n"
    while chunk := stream.read(1024 * 1024):
        total += chunk.count(b"\n")
        last = chunk[-1:]
    return total + (0 if last == b"\n" else 1)
