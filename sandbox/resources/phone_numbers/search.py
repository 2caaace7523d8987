"""AvailablePhoneNumbers: the search filters Twilio honours and the answers' JSON.

`InRegion`, `InPostalCode`, `InLocality`, `InLata` and `InRateCenter` take a value, or a
phone number meaning "the same as that number's"; `InRateCenter` requires `InLata`.
`NearNumber` / `NearLatLong` ("lat,long") keep the places within `Distance` miles (default
25, at most 500). These geographic filters apply to US and Canadian numbers, the only ones
with such data (twilio_api_v2010.json). The `Exclude*AddressRequired` flags drop numbers by
their `address_requirements`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sandbox.core.errors import invalid_param
from sandbox.core.request import SandboxRequest
from sandbox.resources.phone_numbers import inventory, places

DEFAULT_DISTANCE = 25
MAX_DISTANCE = 500
KIND_PATHS = {"local": "Local", "tollfree": "TollFree", "mobile": "Mobile"}
_SUBRESOURCES = {"local": "local", "tollfree": "toll_free", "mobile": "mobile"}
_IN_FILTERS = {
    "InRegion": "region",
    "InPostalCode": "postal_code",
    "InLocality": "locality",
    "InLata": "lata",
    "InRateCenter": "rate_center",
}
_PHONE = re.compile(r"\+?[0-9]{10,15}")

Filter = Callable[[places.Place], bool]


def _norm(value: str | None) -> str | None:
    return None if value is None else re.sub(r"\s+", "", value).upper()


def _as_number(value: str, country: str) -> str | None:
    """An E.164 number when the value is a phone number rather than a name or code."""
    compact = re.sub(r"[\s().-]", "", value)
    if not _PHONE.fullmatch(compact):
        return None
    if compact.startswith("+"):
        return compact
    code = places.COUNTRY_CODES.get(country, "1")
    return f"+{code}{compact}" if len(compact) == 10 else f"+{compact}"


def _same_as(value: str, attribute: str, country: str) -> str | None:
    number = _as_number(value, country)
    if number is None:
        return _norm(value)
    place = inventory.place_of(number, country)
    return _norm(getattr(place, attribute)) if place else None


def _origin(req: SandboxRequest, country: str) -> tuple[float | None, float | None] | None:
    """The (latitude, longitude) a NearLatLong / NearNumber search starts from (None, None
    for a number with no known location); None when neither was given."""
    lat_long = req.q("NearLatLong")
    if lat_long is not None:
        try:
            latitude, longitude = (float(part) for part in lat_long.split(","))
        except ValueError:
            raise invalid_param("NearLatLong", "NearLatLong must be 'latitude,longitude'")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise invalid_param("NearLatLong", "NearLatLong is out of range")
        return latitude, longitude
    near_number = req.q("NearNumber")
    if near_number is None:
        return None
    number = _as_number(near_number, country)
    if number is None:
        raise invalid_param("NearNumber", f"NearNumber {near_number} is not a phone number")
    place = inventory.place_of(number, country)
    return (place.latitude, place.longitude) if place else (None, None)


def _near(req: SandboxRequest, country: str) -> Filter | None:
    distance = req.q_int("Distance")
    if distance is not None and not 0 <= distance <= MAX_DISTANCE:
        raise invalid_param("Distance", f"Distance must be between 0 and {MAX_DISTANCE} miles")
    origin = _origin(req, country)
    if origin is None:
        return None
    latitude, longitude = origin
    radius = DEFAULT_DISTANCE if distance is None else distance

    def within(place: places.Place) -> bool:
        if latitude is None or longitude is None:
            return False
        miles = place.miles_to(latitude, longitude)
        return miles is not None and miles <= radius

    return within


def place_filter(req: SandboxRequest, country: str) -> Filter | None:
    """The places a search keeps; a 400 for combinations Twilio refuses."""
    if req.q("InRateCenter") is not None and req.q("InLata") is None:
        raise invalid_param("InRateCenter", "InRateCenter requires InLata")
    wanted = {
        attribute: _same_as(req.q(param), attribute, country)
        for param, attribute in _IN_FILTERS.items()
        if req.q(param) is not None
    }
    near = _near(req, country)
    excluded = set()
    if req.q_bool("ExcludeAllAddressRequired"):
        excluded |= {"any", "local", "foreign"}
    if req.q_bool("ExcludeLocalAddressRequired"):
        excluded.add("local")
    if req.q_bool("ExcludeForeignAddressRequired"):
        excluded.add("foreign")
    if not wanted and near is None and not excluded:
        return None

    def keep(place: places.Place) -> bool:
        if place.address_requirements in excluded:
            return False
        if any(v is None or _norm(getattr(place, a)) != v for a, v in wanted.items()):
            return False
        return near is None or near(place)

    return keep


def address_requirements(phone_number: str) -> str:
    """none, any, local or foreign: what an Address must satisfy to own the number."""
    place = inventory.place_of(phone_number)
    return place.address_requirements if place else "none"


def candidate_json(candidate: inventory.Candidate) -> dict:
    place = candidate.place or places.Place(candidate.iso_country, candidate.kind, "", 0)
    return {
        "friendly_name": inventory.friendly_name(candidate.phone_number),
        "phone_number": candidate.phone_number,
        "lata": place.lata,
        "locality": place.locality,
        "rate_center": place.rate_center,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "region": place.region,
        "postal_code": place.postal_code,
        "iso_country": candidate.iso_country,
        "address_requirements": place.address_requirements,
        "beta": False,
        "capabilities": {
            "voice": candidate.voice,
            "sms": candidate.sms,
            "mms": candidate.mms,
            "fax": False,
        },
    }


def country_json(account_sid: str, country: str) -> dict:
    base = f"/2010-04-01/Accounts/{account_sid}/AvailablePhoneNumbers/{country}"
    return {
        "country_code": country,
        "country": places.COUNTRY_NAMES[country],
        "uri": f"{base}.json",
        "beta": False,
        "subresource_uris": {
            _SUBRESOURCES[kind]: f"{base}/{KIND_PATHS[kind]}.json" for kind in places.kinds(country)
        },
    }
