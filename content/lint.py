"""Lint of a message template: the common causes of a WhatsApp rejection, caught before the
template goes to Twilio. Sources: `shared/reference/wave2-facts.md` (W2 below) and
`shared/reference/twilio-api-facts.md` (FF below); `RULES` lists every rule with its source.

Errors block a submission; warnings ("hints") are shown beside the form and don't."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from content.rendering import AUTHENTICATION_BODY, PLACEHOLDER, VALID_KEY, body_text, placeholders
from content.vocab import BUTTON_KINDS, FOOTER_KINDS, MEDIA_KINDS, ButtonKind, Category, ContentKind

if TYPE_CHECKING:
    from content.models import MessageTemplate

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    message: str
    source: str


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str
    severity: str = ERROR

    @property
    def source(self) -> str:
        return RULES[self.code].source


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule("name_format", "Lower-case letters, digits and _ only, no spaces.", "W2 §1.1"),
        Rule("name_length", "A template name has at most 512 characters.", "W2 §1.1"),
        Rule("language", "A language code such as en, en_US or pt_BR.", "FF §8 (language)"),
        Rule("body_required", "The message needs a body.", "FF §8 (types schema)"),
        Rule("body_length", "WhatsApp caps a template body at 1,024 characters.", "W2 §1.1"),
        Rule("footer_length", "A footer has at most 60 characters.", "W2 §1.1"),
        Rule("footer_variables", "A footer cannot hold variables.", "W2 §1.1"),
        Rule("footer_not_allowed", "This type has no footer.", "FF §8 (types schema)"),
        Rule(
            "variable_malformed",
            "Write variables as {{1}}, {{2}}: digits in double curly braces.",
            "W2 §1.2, §1.4 (1)",
        ),
        Rule("variable_numbering", "Number variables from {{1}} without gaps.", "W2 §1.2"),
        Rule("variable_edge", "The body cannot start or end with a variable.", "W2 §1.2"),
        Rule("variable_adjacent", "Two variables need words between them.", "W2 §1.2"),
        Rule("variable_count", "At most 100 variables.", "W2 §1.2"),
        Rule("variable_sample", "Every variable needs a sample value.", "W2 §1.2 (samples)"),
        Rule("sample_unused", "A sample for a variable the template doesn't use.", "W2 §1.2"),
        Rule(
            "too_generic",
            "Too many variables for too few words reads as generic.",
            "W2 §1.2, §1.4 (3)",
        ),
        Rule("button_required", "This type needs at least one button.", "FF §8 (types schema)"),
        Rule("button_type", "This type does not take that kind of button.", "FF §8 (types schema)"),
        Rule("button_count", "Too many buttons (10 in all, 2 links, 1 phone).", "W2 §1.1"),
        Rule("button_text", "Button text needs 1 to 25 characters.", "W2 §1.1 (U on 25)"),
        Rule("button_target", "A link button needs an https URL, a call button a number.", "FF §8"),
        Rule(
            "url_variable_position",
            "A URL can hold one variable, only at its end.",
            "Twilio docs twilio/call-to-action (via issue 12)",
        ),
        Rule("media_required", "This type needs a media URL.", "FF §8 (twilio/media media*)"),
        Rule("media_not_allowed", "This type has no media.", "FF §8 (types schema)"),
        Rule("media_public", "Media must be a public https URL.", "W2 §1.2 (samples resolve)"),
        Rule(
            "authentication_format",
            "Authentication templates use the OTP format with a copy-code button.",
            "W2 §1.3 (2024-04-01), FF §8",
        ),
        Rule(
            "code_expiration",
            "An OTP expiry is 1 to 90 minutes.",
            "Twilio docs whatsapp/authentication (U)",
        ),
        Rule(
            "category_mismatch",
            "Promotional words in a utility or authentication template: Meta files it as "
            "marketing or rejects it.",
            "W2 §1.3, §1.4 (2)",
        ),
    )
}

NAME = re.compile(r"^[a-z0-9_]+$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
MAX_NAME, MAX_BODY, MAX_FOOTER, MAX_BUTTON_TEXT = 512, 1024, 60, 25
MAX_BUTTONS, MAX_URL_BUTTONS, MAX_PHONE_BUTTONS, MAX_VARIABLES = 10, 2, 1, 100
# Words that mark a message as promotion (Meta: anything promotional is MARKETING).
PROMOTIONAL = re.compile(
    r"\b(sale|discount|\d+\s?% off|off your|offer|promo(tion)?|coupon|deal|free gift|"
    r"limited time|buy now|shop now|subscribe|black friday|special price|don'?t miss)\b",
    re.IGNORECASE,
)


def _finding(code: str, field: str, detail: str = "", severity: str = ERROR) -> Finding:
    message = RULES[code].message + (f" {detail}" if detail else "")
    return Finding(code=code, field=field, message=message, severity=severity)


def check_name(t: "MessageTemplate") -> Iterator[Finding]:
    """Name: lower-case letters, digits, `_`, no spaces, ≤ 512 (W2 §1.1)."""
    if not NAME.match(t.name or ""):
        yield _finding("name_format", "name", f"{t.name!r} doesn't fit.")
    if len(t.name or "") > MAX_NAME:
        yield _finding("name_length", "name")


def check_language(t: "MessageTemplate") -> Iterator[Finding]:
    """Language: the Content API's `language` code, e.g. `en` (FF §8)."""
    if not LANGUAGE.match(t.language or ""):
        yield _finding("language", "language", f"{t.language!r} isn't one.")


def check_body(t: "MessageTemplate") -> Iterator[Finding]:
    """Body required where the type schema has `body*`; ≤ 1,024 for Meta (W2 §1.1, FF §8)."""
    if t.content_type == ContentKind.AUTHENTICATION:
        return
    if not (t.body or "").strip():
        yield _finding("body_required", "body")
    elif len(t.body) > MAX_BODY:
        yield _finding("body_length", "body", f"This one has {len(t.body)}.")


def check_footer(t: "MessageTemplate") -> Iterator[Finding]:
    """Footer ≤ 60 characters, no variables (W2 §1.1); only a card has one (FF §8)."""
    if not t.footer:
        return
    if t.content_type not in FOOTER_KINDS:
        yield _finding("footer_not_allowed", "footer")
    if len(t.footer) > MAX_FOOTER:
        yield _finding("footer_length", "footer", f"This one has {len(t.footer)}.")
    if "{{" in t.footer:
        yield _finding("footer_variables", "footer")


def check_placeholders(t: "MessageTemplate") -> Iterator[Finding]:
    """Placeholders well formed and numbered from {{1}} without gaps (W2 §1.2, §1.4 (1))."""
    text = body_text(t)
    stripped = PLACEHOLDER.sub("", text)
    if "{{" in stripped or "}}" in stripped:
        yield _finding("variable_malformed", "body", "Check the curly braces.")
    keys = placeholders(text)
    for key in keys:
        if not VALID_KEY.match(key) or not key.isdigit():
            yield _finding("variable_malformed", "body", f"{{{{{key}}}}} isn't a number.")
    numbers = sorted({int(k) for k in keys if k.isdigit()})
    if numbers and numbers != list(range(1, len(numbers) + 1)):
        found = ", ".join(f"{{{{{n}}}}}" for n in numbers)
        yield _finding("variable_numbering", "body", f"Found {found}.")
    if len(set(keys)) > MAX_VARIABLES:
        yield _finding("variable_count", "body")


def check_placement(t: "MessageTemplate") -> Iterator[Finding]:
    """No variable at the start or end of the body, none side by side (W2 §1.2)."""
    if t.content_type == ContentKind.AUTHENTICATION:
        return
    body = (t.body or "").strip()
    if not PLACEHOLDER.search(body):
        return
    edge = re.compile(r"[\s.,!?:;]*")
    if PLACEHOLDER.match(body) or re.search(PLACEHOLDER.pattern + r"[\s.,!?:;]*$", body):
        yield _finding("variable_edge", "body")
    if re.search(PLACEHOLDER.pattern + edge.pattern + PLACEHOLDER.pattern, body):
        yield _finding("variable_adjacent", "body")


def check_samples(t: "MessageTemplate") -> Iterator[Finding]:
    """A sample for every variable; samples double as Meta's examples (W2 §1.2)."""
    samples = {str(k): str(v) for k, v in (t.variables or {}).items()}
    keys = set(placeholders(body_text(t)))
    keys |= {k for b in t.buttons or [] for k in placeholders(str(b.get("url", "")))}
    for key in sorted(keys, key=lambda k: (len(k), k)):
        if not samples.get(key, "").strip():
            yield _finding("variable_sample", f"variables.{key}", f"{{{{{key}}}}} has none.")
    for key in sorted(set(samples) - keys):
        yield _finding("sample_unused", f"variables.{key}", f"{{{{{key}}}}}.", WARNING)


def check_generic(t: "MessageTemplate") -> Iterator[Finding]:
    """Fewer than three words per variable reads as "too generic" (W2 §1.2, §1.4 (3))."""
    if t.content_type == ContentKind.AUTHENTICATION:
        return
    count = len(set(placeholders(t.body)))
    words = len(PLACEHOLDER.sub(" ", t.body or "").split())
    if count and words < 3 * count:
        yield _finding("too_generic", "body", f"{words} words for {count} variables.", WARNING)


def _button_findings(index: int, button: dict) -> Iterator[Finding]:
    field = f"buttons.{index}"
    kind = button.get("type", "")
    title = str(button.get("title", "")).strip()
    if kind != ButtonKind.COPY_CODE and not 1 <= len(title) <= MAX_BUTTON_TEXT:
        yield _finding("button_text", f"{field}.title", f"Button {index + 1} has {len(title)}.")
    if kind == ButtonKind.URL:
        url = str(button.get("url", ""))
        if not url.startswith("https://"):
            yield _finding("button_target", f"{field}.url")
        keys = placeholders(url)
        if len(keys) > 1 or (keys and not re.search(PLACEHOLDER.pattern + r"$", url)):
            yield _finding("url_variable_position", f"{field}.url")
        elif keys and re.match(r"^https://[^/]*\{\{", url):
            yield _finding("url_variable_position", f"{field}.url", "Not in the domain.")
    if kind == ButtonKind.PHONE_NUMBER and not re.match(
        r"^\+[1-9]\d{6,14}$", button.get("phone", "")
    ):
        yield _finding("button_target", f"{field}.phone")


def check_buttons(t: "MessageTemplate") -> Iterator[Finding]:
    """Button kinds per type (FF §8), counts (W2 §1.1: 10, 2 URL, 1 phone), text ≤ 25 (W2 §1.1),
    URL variables only at the end of the URL (Twilio's call-to-action page)."""
    buttons = list(t.buttons or [])
    allowed = BUTTON_KINDS.get(t.content_type, frozenset())
    needs = {ContentKind.QUICK_REPLY, ContentKind.CALL_TO_ACTION, ContentKind.AUTHENTICATION}
    if t.content_type in needs and not buttons:
        yield _finding("button_required", "buttons")
    for index, button in enumerate(buttons):
        if button.get("type") not in allowed:
            yield _finding("button_type", f"buttons.{index}.type", f"{button.get('type')!r}.")
        yield from _button_findings(index, button)
    kinds = [b.get("type") for b in buttons]
    if (
        len(buttons) > MAX_BUTTONS
        or kinds.count(ButtonKind.URL) > MAX_URL_BUTTONS
        or kinds.count(ButtonKind.PHONE_NUMBER) > MAX_PHONE_BUTTONS
        or (t.content_type == ContentKind.AUTHENTICATION and len(buttons) > 1)
    ):
        yield _finding("button_count", "buttons")


def check_media(t: "MessageTemplate") -> Iterator[Finding]:
    """Media where the type has it (FF §8), public https (W2 §1.2: samples must resolve)."""
    if t.content_type not in MEDIA_KINDS:
        if t.media_url:
            yield _finding("media_not_allowed", "media_url")
        return
    if not t.media_url:
        if t.content_type == ContentKind.MEDIA:
            yield _finding("media_required", "media_url")
        return
    if not t.media_url.startswith("https://"):
        yield _finding("media_public", "media_url")


def check_authentication(t: "MessageTemplate") -> Iterator[Finding]:
    """AUTHENTICATION ⇔ the OTP type with its copy-code button (W2 §1.3: since 2024-04-01 an
    authentication template without the OTP button can't be sent)."""
    is_otp_type = t.content_type == ContentKind.AUTHENTICATION
    if is_otp_type != (t.category == Category.AUTHENTICATION):
        yield _finding("authentication_format", "category")
    if is_otp_type and t.body and t.body.strip() != AUTHENTICATION_BODY:
        yield _finding("authentication_format", "body", "WhatsApp writes the text itself.")
    minutes = t.code_expiration_minutes
    if is_otp_type and minutes is not None and not 1 <= minutes <= 90:
        yield _finding("code_expiration", "code_expiration_minutes")


def check_category(t: "MessageTemplate") -> Iterator[Finding]:
    """Promotional words in UTILITY or AUTHENTICATION (W2 §1.3: mixed content is MARKETING)."""
    if t.category == Category.MARKETING:
        return
    text = " ".join([t.body or "", t.footer or ""] + [str(b.get("title", "")) for b in t.buttons])
    found = PROMOTIONAL.search(text)
    if found:
        yield _finding("category_mismatch", "category", f"Found {found.group(0)!r}.", WARNING)


CHECKS: tuple[Callable[["MessageTemplate"], Iterator[Finding]], ...] = (
    check_name,
    check_language,
    check_body,
    check_footer,
    check_placeholders,
    check_placement,
    check_samples,
    check_generic,
    check_buttons,
    check_media,
    check_authentication,
    check_category,
)


def lint(template: "MessageTemplate") -> list[Finding]:
    """Every finding for the template, errors first, in the order of the form's fields."""
    findings = [finding for check in CHECKS for finding in check(template)]
    return sorted(findings, key=lambda f: f.severity != ERROR)


def errors(template: "MessageTemplate") -> list[Finding]:
    return [f for f in lint(template) if f.severity == ERROR]
