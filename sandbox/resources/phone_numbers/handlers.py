"""AvailablePhoneNumbers/{Country}/Local|TollFree and IncomingPhoneNumbers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from sandbox.core import formats, hooks, usage
from sandbox.core.auth import account_for_path
from sandbox.core.errors import TwilioError, invalid_param, not_found
from sandbox.core.models import Account
from sandbox.core.paging import page_bounds, v2010_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.addresses.models import Address
from sandbox.resources.phone_numbers import inventory, magic, places, search
from sandbox.resources.phone_numbers.models import PhoneNumber

API = "/2010-04-01/Accounts/{AccountSid}"

_METHODS = ("GET", "POST")
_COLUMNS = {
    "FriendlyName": "friendly_name",
    "SmsUrl": "sms_url",
    "SmsMethod": "sms_method",
    "SmsFallbackUrl": "sms_fallback_url",
    "SmsFallbackMethod": "sms_fallback_method",
    "StatusCallback": "status_callback",
    "StatusCallbackMethod": "status_callback_method",
}
_CONFIG = {
    "ApiVersion": "api_version",
    "SmsApplicationSid": "sms_application_sid",
    "VoiceUrl": "voice_url",
    "VoiceMethod": "voice_method",
    "VoiceFallbackUrl": "voice_fallback_url",
    "VoiceFallbackMethod": "voice_fallback_method",
    "VoiceCallerIdLookup": "voice_caller_id_lookup",
    "VoiceApplicationSid": "voice_application_sid",
    "VoiceReceiveMode": "voice_receive_mode",
    "EmergencyStatus": "emergency_status",
    "EmergencyAddressSid": "emergency_address_sid",
    "TrunkSid": "trunk_sid",
    "IdentitySid": "identity_sid",
    "AddressSid": "address_sid",
    "BundleSid": "bundle_sid",
}
_KIND_PATHS = {"": None, "/Local": "local", "/TollFree": "tollfree", "/Mobile": "mobile"}


def number_json(number: PhoneNumber, account_sid: str, *, typed: bool = True) -> dict:
    """The IncomingPhoneNumber; the Local/TollFree/Mobile paths' schema has no `type`."""
    c = number.config
    body = {
        "account_sid": account_sid,
        "address_sid": c.get("address_sid"),
        "address_requirements": search.address_requirements(number.phone_number),
        "api_version": c.get("api_version", "2010-04-01"),
        "beta": False,
        "capabilities": {
            "voice": number.voice_capable,
            "sms": number.sms_capable,
            "mms": number.mms_capable,
            "fax": False,
        },
        "date_created": formats.rfc2822(number.date_created),
        "date_updated": formats.rfc2822(number.date_updated),
        "friendly_name": number.friendly_name,
        "identity_sid": c.get("identity_sid"),
        "phone_number": number.phone_number,
        "origin": "twilio",
        "sid": number.sid,
        "sms_application_sid": c.get("sms_application_sid"),
        "sms_fallback_method": number.sms_fallback_method,
        "sms_fallback_url": number.sms_fallback_url,
        "sms_method": number.sms_method,
        "sms_url": number.sms_url,
        "status_callback": number.status_callback,
        "status_callback_method": number.status_callback_method,
        "trunk_sid": c.get("trunk_sid"),
        "uri": f"/2010-04-01/Accounts/{account_sid}/IncomingPhoneNumbers/{number.sid}.json",
        "voice_receive_mode": c.get("voice_receive_mode", "voice"),
        "voice_application_sid": c.get("voice_application_sid"),
        "voice_caller_id_lookup": c.get("voice_caller_id_lookup", False),
        "voice_fallback_method": c.get("voice_fallback_method", "POST"),
        "voice_fallback_url": c.get("voice_fallback_url", ""),
        "voice_method": c.get("voice_method", "POST"),
        "voice_url": c.get("voice_url", ""),
        "emergency_status": c.get("emergency_status", "Inactive"),
        "emergency_address_sid": c.get("emergency_address_sid"),
        "emergency_address_status": "unregistered",
        "bundle_sid": c.get("bundle_sid"),
        "status": "in-use",
    }
    if typed:
        body["type"] = number.kind
    return body


def _available(req: SandboxRequest, kind: str) -> dict:
    account_for_path(req, req.arg("AccountSid"))
    country = req.arg("CountryCode").upper()
    if kind not in places.kinds(country):
        raise not_found(req.path)
    _, size = page_bounds(req)
    where = search.place_filter(req, country)
    try:
        matches = inventory.search(
            country,
            kind,
            area_code=req.q_int("AreaCode"),
            contains=req.q("Contains"),
            sms=req.q_bool("SmsEnabled"),
            mms=req.q_bool("MmsEnabled"),
            voice=req.q_bool("VoiceEnabled"),
            where=where,
        )
        found = [] if req.q_bool("FaxEnabled") else _first_unowned(matches, size)
    except ValueError:
        raise invalid_param("Contains", "Contains must be 2 to 16 digits, letters or '*'")
    body = v2010_page(req, "available_phone_numbers", [], search.candidate_json)
    body["available_phone_numbers"] = [search.candidate_json(c) for c in found]
    body["end"] = max(len(found) - 1, 0)
    return body


def _first_unowned(matches: Iterator[inventory.Candidate], size: int) -> list[inventory.Candidate]:
    """The first `size` candidates no account owns, checked against the database in batches."""
    found: list[inventory.Candidate] = []
    batch: list[inventory.Candidate] = []
    for candidate in matches:
        batch.append(candidate)
        if len(batch) >= size:
            found += _unowned(batch)
            batch = []
            if len(found) >= size:
                break
    return (found + _unowned(batch))[:size]


def _unowned(batch: list[inventory.Candidate]) -> list[inventory.Candidate]:
    owned = set(
        PhoneNumber.objects.filter(phone_number__in=[c.phone_number for c in batch]).values_list(
            "phone_number", flat=True
        )
    )
    return [c for c in batch if c.phone_number not in owned]


for _kind, _path in search.KIND_PATHS.items():
    route("api", "GET", f"{API}/AvailablePhoneNumbers/{{CountryCode}}/{_path}.json")(
        lambda req, _kind=_kind: _available(req, _kind)
    )


@route("api", "GET", f"{API}/AvailablePhoneNumbers.json")
def available_countries(req: SandboxRequest) -> dict:
    """The countries with numbers to search; Twilio answers them in one list, unpaged."""
    account = account_for_path(req, req.arg("AccountSid"))
    return {
        "countries": [search.country_json(account.sid, c) for c in places.COUNTRY_NAMES],
        "uri": f"{API.format(AccountSid=account.sid)}/AvailablePhoneNumbers.json",
    }


@route("api", "GET", f"{API}/AvailablePhoneNumbers/{{CountryCode}}.json")
def available_country(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    country = req.arg("CountryCode").upper()
    if country not in places.COUNTRY_NAMES:
        raise not_found(req.path)
    return search.country_json(account.sid, country)


def _valid_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _apply_config(req: SandboxRequest, number: PhoneNumber) -> None:
    for param, column in _COLUMNS.items():
        value = req.get(param)
        if value is None:
            continue
        if param.endswith("Method") and value.upper() not in _METHODS:
            raise invalid_param(param, f"{param} must be GET or POST")
        is_url = param.endswith("Url") or param == "StatusCallback"
        if is_url and value and not _valid_url(value):
            raise TwilioError(21502, 400, f"{param} is not a valid URL: {value}")
        if param.endswith("Method"):
            value = value.upper()
        elif param == "FriendlyName":
            value = value[:64]
        setattr(number, column, value)
    for param, key in _CONFIG.items():
        value = req.get(param)
        if value is None:
            continue
        if param == "VoiceCallerIdLookup":
            number.config[key] = req.get_bool(param)
        else:
            number.config[key] = value


def _pick_number(req: SandboxRequest, kind: str | None) -> tuple[str, str]:
    requested = req.get("PhoneNumber")
    if requested:
        requested = requested.strip()
        if not formats.is_e164(requested):
            raise TwilioError(21421, 400, f"PhoneNumber {requested} is invalid")
        number_kind = inventory.kind_of(requested)
        if kind == "tollfree" and number_kind != "tollfree":
            raise TwilioError(21421, 400, f"PhoneNumber {requested} is not a toll-free number")
        if kind == "local" and number_kind == "tollfree":
            raise TwilioError(21421, 400, f"PhoneNumber {requested} is not a local number")
        return requested, kind if kind == "mobile" else number_kind
    area = req.get_int("AreaCode")
    if area is None:
        raise TwilioError(21421, 400, "A PhoneNumber or an AreaCode is required")
    toll_free_area = area in inventory.TOLL_FREE_AREAS
    if kind in ("local", "mobile") and toll_free_area:
        raise TwilioError(21452, 400, f"No phone numbers found in area code {area}")
    search_kind = "tollfree" if kind == "tollfree" or toll_free_area else "local"
    country = inventory.country_of(f"+1{area:03d}2000000") if 200 <= area <= 999 else "US"
    found = inventory.search(
        country if country == "CA" else "US", search_kind, area_code=area, sms=True
    )
    for candidate in found:
        if not PhoneNumber.objects.filter(phone_number=candidate.phone_number).exists():
            return candidate.phone_number, search_kind
    raise TwilioError(21452, 400, f"No phone numbers found in area code {area}")


def _require_address(account: Account, phone_number: str, address_sid: str | None) -> None:
    """A number with an address requirement needs an AddressSid of the buying account that
    satisfies it (`local`: in the number's country, `foreign`: outside it): else 21631."""
    requirement = search.address_requirements(phone_number)
    if requirement == "none":
        return
    address = Address.objects.filter(account=account, sid=address_sid or "").first()
    country = inventory.country_of(phone_number)
    satisfied = address is not None and (
        requirement == "any"
        or (requirement == "local" and address.iso_country == country)
        or (requirement == "foreign" and address.iso_country != country)
    )
    if not satisfied:
        raise TwilioError(
            21631,
            400,
            f"Phone Number Requires an Address: {phone_number} needs a {requirement} address",
        )


def _buy(req: SandboxRequest, kind: str | None) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    if req.test_credentials:
        number = magic.answer_test_purchase(req, kind)
        _apply_config(req, number)
        return number_json(number, account.test_sid, typed=kind is None)
    phone_number, number_kind = _pick_number(req, kind)
    _require_address(account, phone_number, req.get("AddressSid"))
    voice, sms, mms = inventory.capabilities(phone_number, number_kind)
    number = PhoneNumber(
        sid=new_sid("PN"),
        account=account,
        phone_number=phone_number,
        friendly_name=inventory.friendly_name(phone_number),
        kind=number_kind,
        iso_country=inventory.country_of(phone_number),
        voice_capable=voice,
        sms_capable=sms,
        mms_capable=mms,
        date_created=req.now,
        date_updated=req.now,
    )
    _apply_config(req, number)
    try:
        with transaction.atomic():
            number.save()
            category = (
                "phonenumbers-tollfree" if number_kind == "tollfree" else "phonenumbers-local"
            )
            usage.record([usage.entry(account.sid, category, req.now, resource_sid=number.sid)])
    except IntegrityError:
        raise TwilioError(21422, 400, f"PhoneNumber {phone_number} is not available")
    return number_json(number, account.sid, typed=kind is None)


def _list(req: SandboxRequest, kind: str | None) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    numbers = PhoneNumber.objects.filter(account=account)
    if kind:
        numbers = numbers.filter(kind=kind)
    if req.q("FriendlyName") is not None:
        numbers = numbers.filter(friendly_name=req.q("FriendlyName"))
    wanted = req.q("PhoneNumber")
    if wanted:
        if formats.is_e164(wanted):
            numbers = numbers.filter(phone_number=wanted)
        else:
            numbers = numbers.filter(phone_number__contains=re.sub(r"[^0-9]", "", wanted))
    if req.q_bool("Beta") is True:
        numbers = numbers.none()
    if req.q("Origin") not in (None, "twilio"):
        numbers = numbers.none()
    return v2010_page(
        req,
        "incoming_phone_numbers",
        numbers.order_by("date_created", "id"),
        lambda n: number_json(n, account.sid, typed=kind is None),
    )


for _suffix, _kind in _KIND_PATHS.items():
    route(
        "api",
        "POST",
        f"{API}/IncomingPhoneNumbers{_suffix}.json",
        status=201,
        test_credentials=True,
    )(lambda req, _kind=_kind: _buy(req, _kind))
    route("api", "GET", f"{API}/IncomingPhoneNumbers{_suffix}.json")(
        lambda req, _kind=_kind: _list(req, _kind)
    )


def _owned(req: SandboxRequest) -> tuple[Account, PhoneNumber]:
    account = account_for_path(req, req.arg("AccountSid"))
    number = PhoneNumber.objects.filter(account=account, sid=req.arg("Sid")).first()
    if number is None:
        raise not_found(req.path)
    return account, number


@route("api", "GET", f"{API}/IncomingPhoneNumbers/{{Sid}}.json")
def fetch_number(req: SandboxRequest) -> dict:
    account, number = _owned(req)
    return number_json(number, account.sid)


@route("api", "POST", f"{API}/IncomingPhoneNumbers/{{Sid}}.json")
def update_number(req: SandboxRequest) -> dict:
    account, number = _owned(req)
    _apply_config(req, number)
    target_sid = req.get("AccountSid")
    if target_sid and target_sid != account.sid:
        target = Account.objects.filter(sid=target_sid, status=Account.Status.ACTIVE).first()
        caller = req.account
        allowed = target is not None and (
            target == caller or caller.is_parent_of(target) or target.is_parent_of(caller)
        )
        if not allowed:
            raise TwilioError(20404, 404, f"The requested resource {target_sid} was not found")
        number.account = target
        hooks.emit("number_moved", number=number)
        account = target
    number.date_updated = req.now
    number.save()
    return number_json(number, account.sid)


@route("api", "DELETE", f"{API}/IncomingPhoneNumbers/{{Sid}}.json")
def release_number(req: SandboxRequest) -> None:
    _, number = _owned(req)
    hooks.emit("number_released", number=number)
    number.delete()


@hooks.on("account_closed")
def release_numbers_of_closed_account(account: Account) -> None:
    """Closing a subaccount releases its numbers, as on Twilio."""
    for number in PhoneNumber.objects.filter(account=account):
        hooks.emit("number_released", number=number)
        number.delete()
