"""The words people read for the platform's codes: choice labels, code names, error codes.

One mechanism for every page. Apps register the `TextChoices` whose values reach pages as
plain strings (from dataclasses, JSON or partials), Python calls `label_for`, templates use
the `label` filter of `tenants/templatetags/labels.py`. A code nobody registered still reads
as words ("in_progress" -> "In progress"), never as "Inprogress" or an upper-cased code.
"""

from django.db import models

_registry: dict[str, type[models.Choices]] = {}

# Words that keep their capitals when a code is turned into a sentence.
ACRONYMS = {
    "a2p": "A2P",
    "api": "API",
    "csv": "CSV",
    "dba": "DBA",
    "ein": "EIN",
    "gdpr": "GDPR",
    "ip": "IP",
    "mms": "MMS",
    "sid": "SID",
    "sms": "SMS",
    "tcpa": "TCPA",
    "url": "URL",
    "us": "US",
}


def register_labels(name: str, choices: type[models.Choices]) -> type[models.Choices]:
    """Make `choices` reachable as `label_for(value, name)` and `{{ value|label:name }}`."""
    _registry[name] = choices
    return choices


def humanize_code(code: object) -> str:
    """A code as words: "toll_free" -> "Toll free", "api_key.created" -> "API key created"."""
    text = str(code or "").replace(".", " ").replace("_", " ").replace("-", " ")
    words = [ACRONYMS.get(word.lower(), word.lower()) for word in text.split()]
    if not words:
        return ""
    first = words[0]
    words[0] = first if first in ACRONYMS.values() else first[:1].upper() + first[1:]
    return " ".join(words)


def label_for(value: object, choices: str | type[models.Choices]) -> str:
    """The label of `value` among `choices` (a class or a registered name), else its words."""
    if isinstance(choices, str):
        choices = _registry.get(choices)
    if choices is not None:
        labels = dict(choices.choices)
        if value in labels:
            return str(labels[value])
    return humanize_code(value)


def error_label(code: int | str | None, message: str) -> str:
    """A provider error for people: "20003: Authentication failed", or the message alone."""
    message = (message or "").strip()
    if code in (None, ""):
        return message
    return f"{code}: {message}" if message else str(code)
