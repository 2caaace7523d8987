"""Meta's template review, as the sandbox plays it: the rules real reviews apply, and the
magic names that pick an outcome.

Rules (the first one broken is the rejection reason, `REASON. explanation`, with Meta's
reason codes INVALID_FORMAT, INCORRECT_CATEGORY, ABUSIVE_CONTENT; wave2-facts §1.1-1.4):

- the name: lower-case letters, digits and `_`, at most 512 characters;
- the body starts or ends with a variable, or two variables are adjacent (nothing but
  spaces or punctuation between them);
- variables not numbered 1, 2, 3… in order (numeric keys), or a variable without a sample
  value in the content's `variables`;
- too many variables for the text around them (fewer than two words per variable);
- a media header or URL button whose sample needs a variable value that is missing;
- an AUTHENTICATION template that isn't `whatsapp/authentication` (Meta's OTP format), or a
  `whatsapp/authentication` one filed under another category;
- a promotional body (offers, discounts, sales…) filed as UTILITY or AUTHENTICATION.

Magic names (the start of the approval request's `name`): `sandbox_reject…` is rejected
for policy (ABUSIVE_CONTENT) whatever it holds; `sandbox_pause…` is approved, then a
low-quality signal pauses it; `sandbox_disable…` is approved, then disabled;
`sandbox_recategorize…` is approved as filed, then Meta moves it to MARKETING.
"""

from __future__ import annotations

import re

from sandbox.resources.content import types as content_types

NAME = re.compile(r"^[a-z0-9_]{1,512}$")
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
PROMOTIONAL = re.compile(
    r"\b(sale|discount|\d+\s?% off|off your|offer|promo(tion)?|coupon|deal|buy now|shop now|"
    r"limited[- ]time|free shipping|exclusive|special price|black friday|clearance)\b",
    re.IGNORECASE,
)
ADJACENT = re.compile(r"\}\}[\s.,;:!?-]*\{\{")
WORD = re.compile(r"[A-Za-z0-9À-ÿ']+")
MAGIC_EVENTS = {
    "sandbox_pause": "pause",
    "sandbox_disable": "disable",
    "sandbox_recategorize": "recategorize",
}


def _format(reason: str) -> str:
    return f"INVALID_FORMAT. {reason}"


def name_problem(name: str) -> str | None:
    if not NAME.match(name):
        return _format(
            "The template name may contain only lower-case letters, numbers and underscores "
            "(at most 512 characters)."
        )
    return None


def body_problem(body: str) -> str | None:
    stripped = body.strip()
    found = content_types.placeholders(body)
    if not found:
        return None
    if stripped.startswith("{{"):
        return _format("Variable parameters can't be at the start of the template body.")
    if stripped.endswith("}}"):
        return _format("Variable parameters can't be at the end of the template body.")
    if ADJACENT.search(body):
        return _format("The template body has two variable parameters next to each other.")
    words = len(WORD.findall(content_types.PLACEHOLDER.sub(" ", body)))
    if words < 2 * len(set(found)):
        return _format(
            "The template has too many variable parameters for its length (too generic)."
        )
    return None


def variables_problem(all_keys: list[str], variables: dict) -> str | None:
    numeric = sorted({int(k) for k in all_keys if k.isdigit()})
    if numeric and numeric != list(range(1, len(numeric) + 1)):
        return _format("Variable parameters must be numbered in order, starting at {{1}}.")
    missing = [k for k in dict.fromkeys(all_keys) if not variables.get(k)]
    if missing:
        names = ", ".join(f"{{{{{k}}}}}" for k in missing)
        return _format(
            f"The template is missing expected field(s) (example): no sample value for {names}."
        )
    return None


def category_problem(category: str, main_type: str, body: str) -> str | None:
    if category == "AUTHENTICATION" and main_type != "whatsapp/authentication":
        return _format(
            "Authentication templates must use the one-time password format "
            "(whatsapp/authentication with a copy-code button)."
        )
    if main_type == "whatsapp/authentication" and category != "AUTHENTICATION":
        return "INCORRECT_CATEGORY. One-time password templates belong to AUTHENTICATION."
    if category in ("UTILITY", "AUTHENTICATION") and PROMOTIONAL.search(body):
        return (
            f"INCORRECT_CATEGORY. The template promotes products or offers, which is "
            f"MARKETING content, but it was submitted as {category}."
        )
    return None


def decide(name: str, category: str, main_type: str, types: dict, variables: dict) -> str:
    """The rejection reason, or "" when Meta approves the template."""
    if name.startswith("sandbox_reject"):
        return "ABUSIVE_CONTENT. The template violates WhatsApp's Business and Commerce Policy."
    body = content_types.body_of(types, main_type)
    all_keys = [k for text in content_types.texts(types) for k in content_types.placeholders(text)]
    if main_type == "whatsapp/authentication":
        all_keys = [k for k in all_keys if k != "1"]
        body = ""
    return (
        name_problem(name)
        or body_problem(body)
        or variables_problem(all_keys, variables)
        or category_problem(category, main_type, content_types.body_of(types, main_type))
        or ""
    )


def planned_event(name: str) -> str:
    return next((event for prefix, event in MAGIC_EVENTS.items() if name.startswith(prefix)), "")
