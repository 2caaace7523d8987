"""api.twilio.com/2010-04-01/Accounts/{AccountSid}/Addresses."""

from __future__ import annotations

import re

from sandbox.core import formats
from sandbox.core.auth import account_for_path
from sandbox.core.errors import TwilioError, missing_param, not_found
from sandbox.core.paging import v2010_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.addresses.models import Address

API = "/2010-04-01/Accounts/{AccountSid}"
_REQUIRED = ("CustomerName", "Street", "City", "Region", "PostalCode", "IsoCountry")
_FIELDS = {
    "CustomerName": "customer_name",
    "Street": "street",
    "StreetSecondary": "street_secondary",
    "City": "city",
    "Region": "region",
    "PostalCode": "postal_code",
    "FriendlyName": "friendly_name",
}


def address_json(address: Address, account_sid: str) -> dict:
    return {
        "account_sid": account_sid,
        "city": address.city,
        "customer_name": address.customer_name,
        "date_created": formats.rfc2822(address.date_created),
        "date_updated": formats.rfc2822(address.date_updated),
        "emergency_enabled": address.emergency_enabled,
        "friendly_name": address.friendly_name or None,
        "iso_country": address.iso_country,
        "postal_code": address.postal_code,
        "region": address.region,
        "sid": address.sid,
        "street": address.street,
        "street_secondary": address.street_secondary or None,
        "uri": f"/2010-04-01/Accounts/{account_sid}/Addresses/{address.sid}.json",
        "validated": address.validated,
        "verified": address.verified,
    }


def _check(address: Address) -> None:
    if not re.fullmatch(r"[A-Z]{2}", address.iso_country):
        raise TwilioError(21628, 400, "IsoCountry must be a 2-letter ISO country code")
    if address.iso_country == "US" and not re.fullmatch(r"\d{5}(-\d{4})?", address.postal_code):
        raise TwilioError(21629, 400, f"Invalid PostalCode for US: {address.postal_code}")


def _apply(req: SandboxRequest, address: Address) -> None:
    for param, field in _FIELDS.items():
        value = req.get(param)
        if value is not None:
            setattr(address, field, value[:255])
    if req.get("IsoCountry") is not None:
        address.iso_country = req.get("IsoCountry").upper()
    emergency = req.get_bool("EmergencyEnabled")
    if emergency is not None:
        address.emergency_enabled = emergency
    _check(address)
    # A complete US street address counts as validated, as Twilio's address check would.
    address.validated = address.verified = bool(address.street and address.city)


@route("api", "POST", f"{API}/Addresses.json", status=201)
def create_address(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    for name in _REQUIRED:
        if not req.get(name):
            raise missing_param(name)
    address = Address(
        sid=new_sid("AD"), account=account, date_created=req.now, date_updated=req.now
    )
    _apply(req, address)
    address.save()
    return address_json(address, account.sid)


@route("api", "GET", f"{API}/Addresses.json")
def list_addresses(req: SandboxRequest) -> dict:
    account = account_for_path(req, req.arg("AccountSid"))
    addresses = Address.objects.filter(account=account)
    for param, field in (
        ("CustomerName", "customer_name"),
        ("FriendlyName", "friendly_name"),
        ("IsoCountry", "iso_country"),
    ):
        if req.q(param) is not None:
            addresses = addresses.filter(**{field: req.q(param)})
    if req.q_bool("EmergencyEnabled") is not None:
        addresses = addresses.filter(emergency_enabled=req.q_bool("EmergencyEnabled"))
    return v2010_page(
        req,
        "addresses",
        addresses.order_by("date_created", "id"),
        lambda a: address_json(a, account.sid),
    )


def _address(req: SandboxRequest) -> Address:
    account = account_for_path(req, req.arg("AccountSid"))
    address = (
        Address.objects.select_related("account")
        .filter(sid=req.arg("Sid"), account=account)
        .first()
    )
    if address is None:
        raise not_found(req.path)
    return address


@route("api", "GET", f"{API}/Addresses/{{Sid}}.json")
def fetch_address(req: SandboxRequest) -> dict:
    address = _address(req)
    return address_json(address, address.account.sid)


@route("api", "POST", f"{API}/Addresses/{{Sid}}.json")
def update_address(req: SandboxRequest) -> dict:
    address = _address(req)
    _apply(req, address)
    address.date_updated = req.now
    address.save()
    return address_json(address, address.account.sid)


@route("api", "DELETE", f"{API}/Addresses/{{Sid}}.json")
def delete_address(req: SandboxRequest) -> None:
    _address(req).delete()
