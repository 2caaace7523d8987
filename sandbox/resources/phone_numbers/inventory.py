"""Twilio's number inventory, generated deterministically on demand.

The same search gives the same numbers every time (minus those already owned), each in a
place (`places.py`) with its locality, postal code and coordinates. NANP local numbers whose
last four digits are 99xx are voice-only, so `SmsEnabled` filters mean something; other
NANP numbers can do voice, SMS and MMS.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import phonenumbers
from phonenumbers import geocoder

from sandbox.core.formats import is_e164
from sandbox.resources.phone_numbers import places

TOLL_FREE_AREAS = places.TOLL_FREE_AREAS
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
    place: places.Place | None = None

    @property
    def national(self) -> str:
        return self.phone_number[2:]


def capabilities(phone_number: str, kind: str) -> tuple[bool, bool, bool]:
    """(voice, sms, mms) for a number, the same whether searched or bought directly.

    Outside the NANP there is no MMS, and in the UK only mobile numbers take SMS."""
    if not phone_number.startswith("+1"):
        place = places.place_of(phone_number)
        return True, place is not None and place.kind == "mobile", False
    if kind == "local" and phone_number[-4:].startswith("99"):
        return True, False, False
    return True, True, True


def kind_of(phone_number: str) -> str:
    """tollfree, mobile (a UK 07 number) or local."""
    if phone_number.startswith("+1") and int(phone_number[2:5]) in TOLL_FREE_AREAS:
        return "tollfree"
    place = places.place_of(phone_number)
    return "mobile" if place is not None and place.kind == "mobile" else "local"


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


def place_of(phone_number: str, country: str | None = None) -> places.Place | None:
    """The number's place; a NANP area code the sandbox has no rate center for still has
    its locality and state (from libphonenumber), without postal code or coordinates."""
    known = places.place_of(phone_number, country)
    if known is not None or not phone_number.startswith("+1") or len(phone_number) != 12:
        return known
    area = int(phone_number[2:5])
    if area < 200 or area in TOLL_FREE_AREAS or area == NO_NUMBERS_AREA:
        return None
    probe = f"+1{area}2000000"
    city, region = locality(probe)
    return places.Place(
        country_of(probe),
        "local",
        str(area),
        10,
        locality=city or None,
        region=region or None,
        rate_center=city.upper() or None,
    )


def _areas(country: str, kind: str, area_code: int | None) -> list[places.Place]:
    offered = places.places(country, kind)
    if area_code is None:
        return offered
    chosen = [p for p in offered if p.prefix == str(area_code)]
    if chosen or kind != "local" or places.COUNTRY_CODES[country] != "1":
        return chosen
    other = place_of(f"+1{area_code:03d}2000000") if 200 <= area_code <= 999 else None
    return [other] if other is not None and other.country == country else []


def _national(place: places.Place, digits: str, nanp: bool) -> str:
    """A number under the place's prefix: NANP exchanges 200-999, others any digits."""
    if nanp:
        exchange = 200 + int(digits[:4]) % 800
        return f"{place.prefix}{exchange:03d}{digits[4:8]}"
    rest = place.national_length - len(place.prefix)
    return place.prefix + place.leads[int(digits[0]) % len(place.leads)] + digits[1:rest]


def search(
    country: str,
    kind: str,
    *,
    area_code: int | None = None,
    contains: str | None = None,
    sms: bool | None = None,
    mms: bool | None = None,
    voice: bool | None = None,
    where: Callable[[places.Place], bool] | None = None,
) -> Iterator[Candidate]:
    """Candidates matching the filters, in a stable order (ownership not checked);
    `where` keeps the places (rate centers) a search asked for."""
    regex = contains_regex(contains) if contains else None
    if country not in places.COUNTRY_CODES:
        return
    offered = _areas(country, kind, area_code)
    wanted = [p for p in offered if where is None or where(p)]
    if not wanted:
        return
    areas = list(dict.fromkeys(p.prefix for p in wanted))
    nanp = places.COUNTRY_CODES[country] == "1"
    fixed = area_code is not None or kind == "tollfree" or len(wanted) < len(offered) or not nanp
    for i in range(_SCAN_LIMIT):
        digits = _digits(f"{country}:{kind}:{area_code}:{contains}:{i}")
        prefix = areas[i % len(areas)]
        national = _national(next(p for p in wanted if p.prefix == prefix), digits, nanp)
        if regex is not None:
            national = _overlay(national, contains, i, len(prefix) if fixed else 0)
            if national is None:
                return
            if nanp and (national[0] in "01" or national[3] in "01"):
                continue
            if not regex.search(national) and not regex.search(
                places.COUNTRY_CODES[country] + national
            ):
                continue
        number = f"+{places.COUNTRY_CODES[country]}{national}"
        place = place_of(number, country)
        if place not in wanted or not is_e164(number):
            continue
        v, s, m = capabilities(number, kind)
        if (sms is not None and s != sms) or (mms is not None and m != mms):
            continue
        if voice is not None and v != voice:
            continue
        yield Candidate(number, kind, country, v, s, m, place)
