"""Where the sandbox's numbers are: rate centers with their locality, postal code and
coordinates, as Twilio reports them on an AvailablePhoneNumber.

US and Canadian numbers carry all of it (Twilio gives the rate center's coordinates, the
same for every number there); elsewhere only the locality, as the spec says. A NANP area
code with several places spreads its exchanges over them (`exchange % len(places)`), so
any number, searched or not, has one place. LATAs are the real ones of those US areas;
Canadian numbers carry none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.8
COUNTRY_NAMES = {"US": "United States", "CA": "Canada", "GB": "United Kingdom"}


@dataclass(frozen=True)
class Place:
    country: str
    kind: str
    prefix: str
    """National digits every number here starts with (area code, or `20`, `7`...)."""
    national_length: int
    locality: str | None = None
    region: str | None = None
    postal_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    lata: str | None = None
    rate_center: str | None = None
    address_requirements: str = "none"
    leads: str = "23456789"
    """Digits the subscriber part may start with (outside the NANP)."""

    def miles_to(self, latitude: float, longitude: float) -> float | None:
        if self.latitude is None or self.longitude is None:
            return None
        lat1, lon1, lat2, lon2 = map(
            math.radians, (self.latitude, self.longitude, latitude, longitude)
        )
        a = (
            math.sin((lat2 - lat1) / 2) ** 2
            + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def _nanp(country, area, locality, region, postal, lat, lon, lata, rate_center) -> Place:
    return Place(
        country, "local", str(area), 10, locality, region, postal, lat, lon, lata, rate_center
    )


TOLL_FREE_AREAS = (800, 833, 844, 855, 866, 877, 888)

PLACES: tuple[Place, ...] = (
    _nanp("US", 415, "San Francisco", "CA", "94103", 37.7749, -122.4194, "722", "SNFC CNTRL"),
    _nanp("US", 415, "San Rafael", "CA", "94901", 37.9735, -122.5311, "722", "SANRAFAEL"),
    _nanp("US", 628, "San Francisco", "CA", "94107", 37.7697, -122.3933, "722", "SNFC CNTRL"),
    _nanp("US", 510, "Oakland", "CA", "94612", 37.8044, -122.2712, "722", "OKLD"),
    _nanp("US", 510, "Berkeley", "CA", "94704", 37.8716, -122.2727, "722", "BERKELEY"),
    _nanp("US", 212, "New York", "NY", "10001", 40.7506, -73.9972, "132", "NWYRCYZN01"),
    _nanp("US", 646, "New York", "NY", "10011", 40.7410, -74.0000, "132", "NWYRCYZN03"),
    _nanp("US", 312, "Chicago", "IL", "60601", 41.8857, -87.6181, "358", "CHICAGO"),
    _nanp("US", 305, "Miami", "FL", "33130", 25.7670, -80.2045, "460", "MIAMI"),
    _nanp("US", 206, "Seattle", "WA", "98101", 47.6101, -122.3344, "674", "SEATTLE"),
    _nanp("CA", 416, "Toronto", "ON", "M5H 2N2", 43.6532, -79.3832, None, "TORONTO"),
    _nanp("CA", 647, "Toronto", "ON", "M5V 3L9", 43.6426, -79.3871, None, "TORONTO"),
    _nanp("CA", 604, "Vancouver", "BC", "V6B 1A1", 49.2827, -123.1207, None, "VANCOUVER"),
    _nanp("CA", 514, "Montreal", "QC", "H2Y 1C6", 45.5017, -73.5673, None, "MONTREAL"),
    *(Place(c, "tollfree", str(a), 10) for c in ("US", "CA") for a in TOLL_FREE_AREAS),
    Place("GB", "local", "20", 10, "London", address_requirements="local", leads="378"),
    Place("GB", "local", "161", 10, "Manchester", address_requirements="local"),
    *(Place("GB", "mobile", f"7{d}", 10, address_requirements="any") for d in "45789"),
)
COUNTRY_CODES = {"US": "1", "CA": "1", "GB": "44"}


def places(country: str, kind: str) -> list[Place]:
    return [p for p in PLACES if p.country == country and p.kind == kind]


def kinds(country: str) -> list[str]:
    """The number types Twilio offers in a country, in the order it lists them."""
    found = {p.kind for p in PLACES if p.country == country}
    return [k for k in ("local", "tollfree", "mobile") if k in found]


def place_of(phone_number: str, country_hint: str | None = None) -> Place | None:
    """The place of any number whose prefix the sandbox knows, searched or not; US and
    Canada share +1 (and the toll-free areas), so the hint says which to try first."""
    order = sorted(COUNTRY_CODES, key=lambda c: c != country_hint)
    for country in order:
        code = COUNTRY_CODES[country]
        if not phone_number.startswith("+" + code):
            continue
        national = phone_number[1 + len(code) :]
        matches = [p for p in PLACES if p.country == country and national.startswith(p.prefix)]
        if not matches:
            continue
        longest = max(len(p.prefix) for p in matches)
        matches = [p for p in matches if len(p.prefix) == longest]
        if code == "1" and len(national) == 10:
            return matches[int(national[3:6]) % len(matches)]
        return matches[0]
    return None
