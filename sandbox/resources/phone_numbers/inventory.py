"""Twilio's number inventory, generated deterministically on demand.

The same search gives the same numbers every time (minus those already owned). Local
numbers whose last four digits are 99xx are voice-only, so `SmsEnabled` filters mean
something; everything else can do voice, SMS and MMS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder

from sandbox.core.formats import is_e164

TOLL_FREE_AREAS = (800, 833, 844, 855, 866, 877, 888)
DEFAULT_AREAS = {"US": (415, 628, 510, 212, 646, 312, 305, 206), "CA": (416, 647, 604, 514)}
NO_NUMBERS_AREA = 533
"""Twilio's test area code that has no numbers."""

_KEYPAD = {
    c: str(d)
    for d, letters in enumerate(("", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"))
    for c in letters
}
_SCAN_LIMIT = 4000


@dataclass(frozen=True)
class Candidate:
    phone_number: str
    kind: str
    iso_country: str
    voice: bool
    sms: bool
    mms: bool

    @property
    def national(self) -> str:
        return self.phone_number[2:]


def capabilities(phone_number: str, kind: str) -> tuple[bool, bool, bool]:
    """(voice, sms, mms) for a number, the same whether searched or bought directly."""
    if kind == "local" and phone_number[-4:].startswith("99"):
        return True, False, False
    return True, True, True


def kind_of(phone_number: str) -> str:
    if phone_number.startswith("+1") and int(phone_number[2:5]) in TOLL_FREE_AREAS:
        return "tollfree"
    return "local"


def country_of(phone_number: str) -> str:
    try:
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone_number))
    except phonenumbers.NumberParseException:
        region = None
    return region or "US"


def friendly_name(phone_number: str) -> str:
    if phone_number.startswith("+1") and len(phone_number) == 12:
        n = phone_number[2:]
        return f"({n[:3]}) {n[3:6]}-{n[6:]}"
    return phone_number


_REGIONS = {
    "California": "CA",
    "New York": "NY",
    "Illinois": "IL",
    "Florida": "FL",
    "Washington State": "WA",
    "Texas": "TX",
    "Ontario": "ON",
    "British Columbia": "BC",
    "Quebec": "QC",
}


def locality(phone_number: str) -> tuple[str, str]:
    """(locality, region) best effort, e.g. ("San Francisco", "CA"); empty when unknown."""
    try:
        description = geocoder.description_for_number(phonenumbers.parse(phone_number), "en")
    except phonenumbers.NumberParseException:
        return "", ""
    city, _, region = description.rpartition(", ")
    if city:
        return city, region
    return "", _REGIONS.get(region, "")


def contains_regex(pattern: str) -> re.Pattern:
    """Twilio's `Contains`: digits, letters (keypad), `*` for any one digit."""
    translated = "".join(_KEYPAD.get(c.upper(), c) for c in pattern.lstrip("+"))
    if not re.fullmatch(r"[0-9*]{2,16}", translated):
        raise ValueError(pattern)
    return re.compile(translated.replace("*", "[0-9]"))


def _digits(seed: str) -> str:
    return str(int(hashlib.sha256(seed.encode()).hexdigest(), 16))


def _overlay(national: str, pattern: str, shift: int, fixed_prefix: int) -> str | None:
    """Write `pattern` into `national` at a position chosen by `shift` after `fixed_prefix`."""
    pattern = pattern.lstrip("+")
    if pattern.startswith("1") and len(pattern) == 11:
        pattern = pattern[1:]
    room = len(national) - len(pattern) - fixed_prefix
    if room < 0:
        return None
    start = fixed_prefix + (room - shift % (room + 1))
    chars = list(national)
    for i, c in enumerate(pattern):
        digit = _KEYPAD.get(c.upper(), c)
        if digit != "*":
            chars[start + i] = digit
    return "".join(chars)


def search(
    country: str,
    kind: str,
    *,
    area_code: int | None = None,
    contains: str | None = None,
    sms: bool | None = None,
    mms: bool | None = None,
    voice: bool | None = None,
) -> Iterator[Candidate]:
    """Candidates matching the filters, in a stable order (ownership not checked)."""
    if country not in DEFAULT_AREAS:
        return
    if area_code == NO_NUMBERS_AREA:
        return
    if kind == "tollfree":
        if area_code is not None and area_code not in TOLL_FREE_AREAS:
            return
        areas = (area_code,) if area_code else TOLL_FREE_AREAS
    else:
        if area_code is not None and (area_code < 200 or area_code in TOLL_FREE_AREAS):
            return
        areas = (area_code,) if area_code else DEFAULT_AREAS[country]
    regex = contains_regex(contains) if contains else None
    for i in range(_SCAN_LIMIT):
        digits = _digits(f"{country}:{kind}:{area_code}:{contains}:{i}")
        area = areas[i % len(areas)]
        exchange = 200 + int(digits[:4]) % 800
        national = f"{area:03d}{exchange:03d}{digits[4:8]}"
        if regex is not None:
            national = _overlay(national, contains, i, 3 if area_code or kind == "tollfree" else 0)
            if national is None:
                return
            if national[0] in "01" or national[3] in "01":
                continue
            if not regex.search(national) and not regex.search("1" + national):
                continue
        number = "+1" + national
        if not is_e164(number) or kind_of(number) != kind:
            continue
        v, s, m = capabilities(number, kind)
        if (sms is not None and s != sms) or (mms is not None and m != mms):
            continue
        if voice is not None and v != voice:
            continue
        yield Candidate(number, kind, country, v, s, m)
