"""Quiet hours of marketing messages, in each recipient's local time (not legal advice).

The TCPA allows telephone solicitations (texts count) from 8:00 to 21:00 at the called
party's location; Florida (FTSA) and Oklahoma (OTSA) allow 8:00 to 20:00. A recipient
outside the window is deferred to its next opening, never dropped. Local time comes from
the contact's `time_zone`, else from the number (`phonenumbers`, when the number maps to
one zone), else `BROADCAST_DEFAULT_TIME_ZONE` (US Eastern unless set). The state comes from
the contact's `region` ("US-FL"), else from the number's area code (Florida area codes are
presumed Florida residents). Times are built with zoneinfo, so DST changes are exact.
Transactional broadcasts keep no quiet hours.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from django.conf import settings
from phonenumbers import geocoder
from phonenumbers import timezone as number_zones

FEDERAL_WINDOW = (8, 21)
# Stricter state windows (ISO 3166-2), opening and closing hour.
STATE_WINDOWS = {"US-FL": (8, 20), "US-OK": (8, 20)}
_STATE_NAMES = {"Florida": "US-FL", "Oklahoma": "US-OK"}


@dataclass(frozen=True)
class Locale:
    """Where a recipient is, for quiet hours: the zone and the state (may be "")."""

    zone: ZoneInfo
    region: str


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _from_number(phone: str) -> tuple[str, str]:
    """(zone name, region) the number implies; "" where it implies none or several."""
    try:
        parsed = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return "", ""
    zones = number_zones.time_zones_for_number(parsed)
    zone = zones[0] if len(zones) == 1 and zones[0] != "Etc/Unknown" else ""
    region = ""
    if phonenumbers.region_code_for_number(parsed) == "US":
        place = geocoder.description_for_number(parsed, "en")
        region = _STATE_NAMES.get(place.rsplit(", ", 1)[-1], "")
        if not region and place.endswith((", FL", ", OK")):
            region = f"US-{place[-2:]}"
    return zone, region


def locale_for(*, phone: str, time_zone: str = "", region: str = "") -> Locale:
    """The recipient's zone and state (see the module docstring for the fallbacks)."""
    number_zone, number_region = _from_number(phone) if phone else ("", "")
    zone = (
        _zone(time_zone)
        or _zone(number_zone)
        or _zone(settings.BROADCAST_DEFAULT_TIME_ZONE)
        or ZoneInfo("America/New_York")
    )
    return Locale(zone=zone, region=region or number_region)


def window(region: str) -> tuple[int, int]:
    return STATE_WINDOWS.get(region, FEDERAL_WINDOW)


def next_opening(now: dt.datetime, locale: Locale) -> dt.datetime | None:
    """None when `now` is inside the recipient's window; else when the window next opens
    (an aware datetime: the opening hour on the recipient's wall clock)."""
    opens, closes = window(locale.region)
    local = now.astimezone(locale.zone)
    if opens <= local.hour < closes:
        return None
    day = local.date() if local.hour < opens else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(opens, 0), tzinfo=locale.zone)
