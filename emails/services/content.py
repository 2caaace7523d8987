"""An email's content: sanitised HTML, a text part generated from it, and `{{variables}}`.

The HTML a tenant writes (or an API client posts) is shown in the portal, the sandbox
mailbox and the recipient's mail client, so it is cleaned with nh3 to what email clients
render anyway: tables, inline styles, https images, links. Scripts, event handlers, forms,
iframes and `<style>` blocks go. The text part is generated with inscriptis when missing,
with each link's URL written beside its text (a text reader still needs it).
"""

import html as html_lib
import re
from collections.abc import Mapping
from typing import Any

import nh3
from django.core.exceptions import ValidationError
from inscriptis import get_text
from inscriptis.model.config import ParserConfig

# `{{name}}` or `{{name|fallback}}`, as in broadcasts.
VARIABLE = re.compile(r"\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}")

_TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {"font", "tfoot"}
_CELL = {"width", "height", "align", "valign", "bgcolor", "colspan", "rowspan", "nowrap"}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"style", "align", "dir", "lang", "title"},
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "width", "height", "border"},
    "table": {"width", "height", "border", "cellpadding", "cellspacing", "bgcolor", "role"},
    "td": _CELL,
    "th": _CELL | {"scope"},
    "tr": {"height", "valign", "bgcolor"},
    "col": {"width", "span"},
    "colgroup": {"width", "span"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "hr": {"width", "size", "noshade"},
    "blockquote": {"cite"},
}
# Inline CSS properties email clients honour; nothing that positions, loads or scripts.
_STYLE_PROPERTIES = {
    "color", "background-color", "font", "font-family", "font-size", "font-style",
    "font-weight", "line-height", "letter-spacing", "text-align", "text-decoration",
    "text-transform", "text-indent", "vertical-align", "white-space", "word-break",
    "width", "max-width", "min-width", "height", "max-height", "min-height", "display",
    "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
    "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "border", "border-top", "border-right", "border-bottom", "border-left",
    "border-color", "border-style", "border-width", "border-radius",
    "border-collapse", "border-spacing", "table-layout", "list-style-type", "overflow",
}  # fmt: skip


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Images load only over https (no tracking over http, no data: or cid: blobs)."""
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    url_schemes={"https", "http", "mailto", "tel"},
    url_relative="deny",
    link_rel="noopener noreferrer",
    filter_style_properties=_STYLE_PROPERTIES,
    strip_comments=True,
)
_TEXT_CONFIG = ParserConfig(display_links=True)


def sanitize_html(html: str) -> str:
    """The HTML cut down to safe email markup (see the module's docstring)."""
    if not (html or "").strip():
        return ""
    return _CLEANER.clean(html).strip()


def html_to_text(html: str) -> str:
    """The text part a mail client without HTML shows: layout kept, link URLs written out."""
    if not (html or "").strip():
        return ""
    text = get_text(html, _TEXT_CONFIG)
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def variables_in(*texts: str) -> list[str]:
    """The variable names used in `texts`, in order, each once."""
    seen: dict[str, None] = {}
    for text in texts:
        for match in VARIABLE.finditer(text or ""):
            seen.setdefault(match.group(1), None)
    return list(seen)


def _fill(text: str, values: Mapping[str, str], escape: bool) -> str:
    def one(match: re.Match) -> str:
        value = values.get(match.group(1), "").strip() or (match.group(2) or "").strip()
        return html_lib.escape(value) if escape else value

    return VARIABLE.sub(one, text or "")


def _parts(template_or_parts: Any) -> tuple[str, str, str]:
    if isinstance(template_or_parts, Mapping):
        get = template_or_parts.get
        return get("subject") or "", get("html") or "", get("text") or ""
    template = template_or_parts
    text = "" if getattr(template, "text_generated", False) else template.text
    return template.subject, template.html, text


def render_email(
    template_or_parts: Any, values: Mapping[str, Any] | None = None
) -> tuple[str, str, str]:
    """(subject, html, text) of an `EmailTemplate` or a {"subject", "html", "text"} mapping
    with `values` filled in: escaped in the HTML, without line breaks in the subject. A
    variable with neither a value nor a fallback is refused (field "variables"). The HTML is
    sanitised; the text is generated from it when the parts have none."""
    subject, html, text = _parts(template_or_parts)
    clean = {str(k): "" if v is None else str(v) for k, v in (values or {}).items()}
    missing = [
        name
        for match in VARIABLE.finditer(f"{subject}\n{html}\n{text}")
        if (name := match.group(1)) not in clean and not (match.group(2) or "").strip()
    ]
    if missing:
        names = ", ".join(dict.fromkeys(missing))
        raise ValidationError({"variables": f"Give a value for: {names}."})
    subject = " ".join(_fill(subject, clean, escape=False).split())
    html = sanitize_html(_fill(html, clean, escape=True))
    text = _fill(text, clean, escape=False).strip() or html_to_text(html)
    return subject, html, text
