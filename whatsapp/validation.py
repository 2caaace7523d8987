"""Meta's rules for a WhatsApp sender's display name and business profile, checked before
anything goes to Twilio, so the owner reads the problem at the form (Twilio answers the same
limits with 400s).

Sources (see also ../shared/reference/wave2-facts.md §2):
- business profile limits, WhatsApp Cloud API business profile reference
  (developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles): `about`
  1-139 characters, `address` <= 256, `description` <= 512, `email` <= 128, `websites` at
  most 2 URLs of <= 256 each, `vertical` one of the listed industries;
- the vertical list: `profile.vertical` of twilio_messaging_v2.json (wave2-facts §2.1);
- display names, Meta's display name guidelines (facebook.com/business/help/757569725593362,
  linked from `profile.name` in twilio_messaging_v2.json): the name must relate to the
  business, may not contain "WhatsApp", may not be a person's full name alone or a generic
  word, and may not be written in all capitals unless it is an acronym; a rejected name caps
  the number at 250 business-initiated messages a day (wave2-facts §2.3).
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

VERTICALS = (
    "Alcohol",
    "Automotive",
    "Beauty, Spa and Salon",
    "Clothing and Apparel",
    "Education",
    "Entertainment",
    "Event Planning and Service",
    "Finance and Banking",
    "Food and Grocery",
    "Hotel and Lodging",
    "Matrimony Service",
    "Medical and Health",
    "Non-profit",
    "Online Gambling",
    "OTC Drugs",
    "Other",
    "Physical Gambling",
    "Professional Services",
    "Public Service",
    "Restaurant",
    "Shopping and Retail",
    "Travel and Transportation",
)
ABOUT_MAX, ADDRESS_MAX, DESCRIPTION_MAX, EMAIL_MAX = 139, 256, 512, 128
WEBSITES_MAX, WEBSITE_MAX = 2, 256
NAME_MIN, NAME_MAX = 3, 256
GENERIC_NAMES = frozenset({"business", "shop", "store", "support", "service", "company", "test"})
MAGIC_HINT = "Sandbox only: the outcome the sandbox plays (it reads the WABA id's first digits)."
CODE = re.compile(r"^\d{6}$")
WABA_ID = re.compile(r"^\d{5,32}$")


def display_name_problem(name: str) -> str | None:
    """Why Meta's display-name guidelines would reject `name`, or None."""
    name = name.strip()
    if len(name) < NAME_MIN:
        return f"A display name has at least {NAME_MIN} characters."
    if len(name) > NAME_MAX:
        return f"A display name has at most {NAME_MAX} characters."
    if "whatsapp" in name.lower():
        return 'A display name may not contain "WhatsApp".'
    if name.lower() in GENERIC_NAMES:
        return "A display name must name your business, not a generic word."
    letters = [c for c in name if c.isalpha()]
    if len(letters) > 4 and all(c.isupper() for c in letters) and " " in name:
        return "Write the display name in normal capitals (all capitals only for an acronym)."
    if re.search(r"(https?://|www\.)", name, re.I):
        return "A display name may not be a web address."
    return None


def _websites(values: list[str], errors: dict[str, list[str]]) -> list[str]:
    urls = [v.strip() for v in values if v and v.strip()]
    if len(urls) > WEBSITES_MAX:
        errors["websites"] = [f"A WhatsApp profile lists at most {WEBSITES_MAX} websites."]
        return urls
    check = URLValidator(schemes=["http", "https"])
    for url in urls:
        try:
            check(url)
        except ValidationError:
            errors["websites"] = [f"{url} is not an http(s) address."]
        if len(url) > WEBSITE_MAX:
            errors["websites"] = [f"A website is at most {WEBSITE_MAX} characters."]
    return urls


def _lengths(cleaned: dict[str, Any], errors: dict[str, list[str]]) -> None:
    for field, limit in (
        ("about", ABOUT_MAX),
        ("address", ADDRESS_MAX),
        ("description", DESCRIPTION_MAX),
        ("email", EMAIL_MAX),
    ):
        if len(cleaned[field]) > limit:
            errors[field] = [f"WhatsApp allows at most {limit} characters here."]


def clean_profile(data: dict[str, Any]) -> dict[str, Any]:
    """The display name and business profile, stripped and checked; ValidationError naming
    each field that breaks a rule."""
    cleaned = {
        key: str(data.get(key) or "").strip()
        for key in ("display_name", "about", "address", "description", "logo_url", "vertical")
    }
    cleaned["email"] = str(data.get("email") or "").strip()
    errors: dict[str, list[str]] = {}
    problem = display_name_problem(cleaned["display_name"])
    if problem:
        errors["display_name"] = [problem]
    _lengths(cleaned, errors)
    if cleaned["vertical"] and cleaned["vertical"] not in VERTICALS:
        errors["vertical"] = ["Choose one of WhatsApp's industries."]
    if cleaned["email"]:
        try:
            EmailValidator()(cleaned["email"])
        except ValidationError:
            errors["email"] = ["Enter a valid email address."]
    if cleaned["logo_url"]:
        try:
            URLValidator(schemes=["https"])(cleaned["logo_url"])
        except ValidationError:
            errors["logo_url"] = ["The logo must be a public https address."]
    websites = data.get("websites") or []
    if isinstance(websites, str):
        websites = [websites]
    cleaned["websites"] = _websites(list(websites), errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def clean_code(code: str) -> str:
    """The six digits of a verification code as people type it ("123-456", "123 456")."""
    digits = "".join(ch for ch in str(code or "") if ch.isdigit())
    if not CODE.match(digits):
        raise ValidationError({"code": ["Enter the 6-digit code WhatsApp sent to the number."]})
    return digits


def clean_waba_id(waba_id: str) -> str:
    value = str(waba_id or "").strip()
    if not WABA_ID.match(value):
        raise ValidationError({"waba_id": ["A WhatsApp Business Account id is 5-32 digits."]})
    return value
