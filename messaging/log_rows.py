"""Rows of the message log, built once per page from `.values()`: the portal's display rows
and the API's JSON items.

A log page is 50 rows; building model instances, running the template's per-row filters and
includes, and DRF's 42 serializer fields for each row cost more than the page's query.
These functions read only the columns shown and produce the same text, and (checked by the
tests against `MessageSerializer`) the same JSON, from plain dicts.
"""

import html
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from isvplatform.labels import humanize_code
from messaging.models import Channel, Direction, Status

# The columns the portal's log table shows.
PORTAL_COLUMNS = (
    "id",
    "created_at",
    "direction",
    "channel",
    "from_number",
    "to_number",
    "subject",
    "body",
    "template_id",
    "template__name",
    "button_text",
    "status",
    "error_code",
    "segments",
    "encoding",
)

# `MessageSerializer`'s fields, in its order (`from` and `to` come last, see
# `_with_address_names`), and the column each reads.
_SERIALIZER_FIELDS = (
    "id", "sid", "direction", "channel", "origin", "body", "media_urls", "subject",
    "from_name", "html", "headers", "esp_name", "esp_message_id", "content_sid",
    "content_variables", "template_id", "template_name", "button_payload", "button_text",
    "messaging_service_sid", "status", "error_code", "error_message", "segments", "encoding",
    "estimated_price", "estimated_price_unit", "price", "price_unit", "via_master",
    "conversation_id", "actor_label", "created_at", "submitted_at", "sent_at", "delivered_at",
    "failed_at", "read_at", "received_at", "updated_at",
)  # fmt: skip
API_FIELDS: tuple[tuple[str, str], ...] = (
    *((name, name) for name in _SERIALIZER_FIELDS),
    ("from", "from_number"),
    ("to", "to_number"),
)
_COMPUTED = {"template_name", "estimated_price_unit"}
API_COLUMNS = (*(column for _, column in API_FIELDS if column not in _COMPUTED), "template__name")
_DATETIMES = frozenset(
    {"created_at", "submitted_at", "sent_at", "delivered_at", "failed_at", "read_at",
     "received_at", "updated_at"}
)  # fmt: skip
_UUIDS = frozenset({"id", "template_id", "conversation_id"})
_DECIMALS = frozenset({"estimated_price", "price"})
_PLACES = Decimal("0.00001")  # decimal_places=5 of the price columns


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _api_datetime(value, zone) -> str | None:
    """DRF's ISO 8601: in the current time zone, UTC written as `Z`."""
    if not value:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def api_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`MessageSerializer(many=True).data` of rows read with `API_COLUMNS`: each item is
    made in the serializer's key order, then the typed values are written over in place."""
    zone = timezone.get_current_timezone()
    items = []
    for row in rows:
        item = {name: row.get(column) for name, column in API_FIELDS}
        item["template_name"] = row["template__name"]
        item["estimated_price_unit"] = "USD" if row["estimated_price"] is not None else ""
        for column in _DATETIMES:
            item[column] = _api_datetime(row[column], zone)
        for column in _UUIDS:
            if row[column] is not None:
                item[column] = str(row[column])
        for column in _DECIMALS:
            if row[column] is not None:
                item[column] = f"{Decimal(row[column]).quantize(_PLACES):f}"
        items.append(item)
    return items


def _when(moment, zone, months: dict[int, str]) -> tuple[str, str]:
    """The `datetime` attribute (ISO 8601) and the text ("Dec 2, 00:37:12") of a time."""
    local = moment.astimezone(zone)
    return local.isoformat(), f"{months[local.month]} {local.day}, {local:%H:%M:%S}"


def _body_cell(row: dict[str, Any]) -> dict[str, str]:
    """What the Message column shows: an email's subject and text, a template's name, a
    tapped button, or the body."""
    if row["channel"] == Channel.EMAIL:
        body = row["body"]
        return {
            "kind": "email",
            "subject": row["subject"] or "(no subject)",
            "snippet": Truncator(body).chars(80) if body else "",
        }
    if row["template_id"]:
        return {"kind": "template", "text": row["template__name"] or ""}
    if row["button_text"]:
        return {"kind": "button", "text": row["button_text"]}
    return {"kind": "text", "text": row["body"] or "—"}


# One row of the log table (templates/messaging/log.html prints each row's `html`).
_ROW = (
    "<tr>\n"
    '              <td class="nowrap"><a href="{href}"><time datetime="{iso}">{when}</time></a>'
    "</td>\n"
    '              <td class="nowrap">{direction} <span class="badge badge-channel">'
    "{channel_label}</span></td>\n"
    '              <td class="mono nowrap">{sender}</td>\n'
    '              <td class="mono nowrap">{to}</td>\n'
    '              <td class="body-cell" title="{title}">{body}</td>\n'
    '              <td><span class="badge badge-{status}">{status_label}</span>{error}</td>\n'
    "              <td>{segments}{encoding}</td>\n"
    "            </tr>"
)


def _escape(value: Any) -> str:
    """Django's `conditional_escape` without its lazy-string wrapper, for the 15 values of
    each of a page's 50 rows: safe markup as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _body_markup(m: dict[str, Any]) -> str:
    kind = m["kind"]
    if kind == "email":
        snippet = f' <span class="muted">— {_escape(m["snippet"])}</span>' if m["snippet"] else ""
        return f'<strong class="email-subject">{_escape(m["subject"])}</strong>{snippet}'
    if kind == "template":
        return f'<span class="template-tag">Template · {_escape(m["text"])}</span>'
    if kind == "button":
        return f"Tapped: {_escape(m['text'])}"
    return _escape(m["text"])


def _number(value: Any, numbers: dict[Any, str]) -> str:
    """`value` localized and escaped, kept in the page's `numbers` (a few segment counts
    and error codes repeat over its 50 rows)."""
    if value not in numbers:
        numbers[value] = _escape(localize(value))
    return numbers[value]


def row_markup(m: dict[str, Any], numbers: dict[Any, str] | None = None) -> SafeString:
    """The table row of a `portal_rows` row, as the template would print it: 50 rows of a
    dozen variables and conditions each were the largest part of the page's rendering."""
    numbers = {} if numbers is None else numbers
    error, encoding = m["error_code"], m["encoding"]
    return mark_safe(  # every value put into it is escaped
        _ROW.format(
            href=_escape(m["href"]),
            iso=_escape(m["iso"]),
            when=_escape(m["when"]),
            direction="↙ in" if m["inbound"] else "↗ out",
            channel_label=_escape(m["channel_label"]),
            sender=_escape(m["from"]),
            to=_escape(m["to"]),
            title=_escape(m["title"]),
            body=_body_markup(m),
            status=_escape(m["status"]),
            status_label=_escape(m["status_label"]),
            error=f'<div class="muted small">error {_number(error, numbers)}</div>'
            if error
            else "",
            segments=_number(m["segments"], numbers),
            encoding=f' <span class="muted small">{_escape(encoding)}</span>' if encoding else "",
        )
    )


def portal_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The log table's rows, every text ready: no filter, include or lookup per row."""
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    zone = timezone.get_current_timezone()
    channels = _labels(Channel.choices)
    statuses = _labels(Status.choices)
    detail = reverse("messaging:message", args=["00000000-0000-0000-0000-000000000000"])
    prefix, suffix = detail.split("00000000-0000-0000-0000-000000000000")
    shown = []
    for row in rows:
        iso, when = _when(row["created_at"], zone, months)
        status = row["status"]
        channel = row["channel"]
        shown.append(
            {
                "href": f"{prefix}{row['id']}{suffix}",
                "iso": iso,
                "when": when,
                "inbound": row["direction"] == Direction.INBOUND,
                "channel_label": channels.get(channel, channel),
                "from": row["from_number"] or "service",
                "to": row["to_number"],
                "title": row["subject"] or row["body"],
                "status": status,
                "status_label": statuses.get(status) or humanize_code(status),
                "error_code": row["error_code"],
                "segments": "—" if channel == Channel.EMAIL else row["segments"],
                "encoding": row["encoding"],
                **_body_cell(row),
            }
        )
    numbers: dict[Any, str] = {}
    for m in shown:
        m["html"] = row_markup(m, numbers)
    return shown
