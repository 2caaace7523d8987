"""What a phone number says about where its owner lives: time zone, country, US state.

Marketing quiet hours are the recipient's local time, and some states (Florida, Oklahoma)
are stricter than the federal rule, so a contact keeps its zone and its ISO 3166-2 region.
The number's area code is the best default; the tenant can set the zone by hand.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from django.core.exceptions import ValidationError
from phonenumbers import geocoder
from phonenumbers import timezone as number_timezones

US_STATES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
    "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI",
    "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ",
    "New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND",
    "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "Washington D.C.": "DC", "Washington DC": "DC", "West Virginia": "WV",
    "Wisconsin": "WI", "Wyoming": "WY",
}  # fmt: skip
_CODES = frozenset(US_STATES.values())
_UNKNOWN_ZONE = "Etc/Unknown"


@dataclass(frozen=True)
class Place:
    time_zone: str = ""
    region: str = ""
    country: str = ""


def _us_state(description: str) -> str:
    """The two-letter state of a US geocoder description ("Florida", "Tampa, FL")."""
    if description in US_STATES:
        return US_STATES[description]
    _, _, tail = description.rpartition(", ")
    return tail if tail in _CODES else ""


def place_of(e164: str) -> Place:
    """Where an E.164 number lives, as far as its prefix tells (blank parts when unknown)."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return Place()
    country = phonenumbers.region_code_for_number(parsed) or ""
    zones = [z for z in number_timezones.time_zones_for_number(parsed) if z != _UNKNOWN_ZONE]
    region = ""
    if country == "US":
        state = _us_state(geocoder.description_for_number(parsed, "en"))
        region = f"US-{state}" if state else ""
    return Place(time_zone=zones[0] if zones else "", region=region, country=country[:2])


def validate_time_zone(value: str, field_name: str = "time_zone") -> str:
    """An IANA zone name ("America/New_York"), or a field-named ValidationError."""
    value = (value or "").strip()
    if value and value in available_timezones():
        ZoneInfo(value)
        return value
    raise ValidationError({field_name: "Enter an IANA time zone, like America/New_York."})
