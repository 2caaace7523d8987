"""messaging.twilio.com/v1/Services and /v1/Services/{ServiceSid}/PhoneNumbers."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction

from sandbox.core import formats, hooks
from sandbox.core.errors import TwilioError, invalid_param, missing_param, not_found
from sandbox.core.models import Account
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.messaging_services.models import MessagingService, ServicePhoneNumber
from sandbox.resources.phone_numbers.models import PhoneNumber

BASE = "https://messaging.twilio.com/v1/Services"
_URLS = {
    "InboundRequestUrl": "inbound_request_url",
    "FallbackUrl": "fallback_url",
    "StatusCallback": "status_callback",
}
_METHODS = {"InboundMethod": "inbound_method", "FallbackMethod": "fallback_method"}
_BOOLS = {
    "StickySender": "sticky_sender",
    "AreaCodeGeomatch": "area_code_geomatch",
    "UseInboundWebhookOnNumber": "use_inbound_webhook_on_number",
}
_CONFIG_BOOLS = {
    "MmsConverter": "mms_converter",
    "SmartEncoding": "smart_encoding",
    "FallbackToLongCode": "fallback_to_long_code",
    "SynchronousValidation": "synchronous_validation",
}
_SCAN = ("inherit", "enable", "disable")


def service_json(service: MessagingService, account_sid: str) -> dict:
    url = f"{BASE}/{service.sid}"
    c = service.config
    return {
        "sid": service.sid,
        "account_sid": account_sid,
        "friendly_name": service.friendly_name,
        "date_created": formats.iso8601(service.date_created),
        "date_updated": formats.iso8601(service.date_updated),
        "inbound_request_url": service.inbound_request_url or None,
        "inbound_method": service.inbound_method,
        "fallback_url": service.fallback_url or None,
        "fallback_method": service.fallback_method,
        "status_callback": service.status_callback or None,
        "sticky_sender": service.sticky_sender,
        "mms_converter": c.get("mms_converter", True),
        "smart_encoding": c.get("smart_encoding", True),
        "scan_message_content": c.get("scan_message_content", "inherit"),
        "fallback_to_long_code": c.get("fallback_to_long_code", True),
        "area_code_geomatch": service.area_code_geomatch,
        "synchronous_validation": c.get("synchronous_validation", False),
        "validity_period": service.validity_period,
        "url": url,
        "links": {
            "phone_numbers": f"{url}/PhoneNumbers",
            "short_codes": f"{url}/ShortCodes",
            "alpha_senders": f"{url}/AlphaSenders",
            "messages": f"{url}/Messages",
            "us_app_to_person": f"{url}/Compliance/Usa2p",
            "us_app_to_person_usecases": f"{url}/Compliance/Usa2p/Usecases",
            "channel_senders": f"{url}/ChannelSenders",
            "destination_alpha_senders": f"{url}/DestinationAlphaSenders",
        },
        "usecase": service.usecase,
        "us_app_to_person_registered": service.us_app_to_person_registered,
        "use_inbound_webhook_on_number": service.use_inbound_webhook_on_number,
    }


def _apply(req: SandboxRequest, service: MessagingService) -> None:
    if req.get("FriendlyName") is not None:
        service.friendly_name = req.get("FriendlyName")[:64]
    for param, field in _URLS.items():
        value = req.get(param)
        if value is None:
            continue
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise TwilioError(21502, 400, f"{param} is not a valid URL: {value}")
        setattr(service, field, value)
    for param, field in _METHODS.items():
        value = req.get(param)
        if value is not None:
            if value.upper() not in ("GET", "POST"):
                raise invalid_param(param, f"{param} must be GET or POST")
            setattr(service, field, value.upper())
    for param, field in _BOOLS.items():
        value = req.get_bool(param)
        if value is not None:
            setattr(service, field, value)
    for param, key in _CONFIG_BOOLS.items():
        value = req.get_bool(param)
        if value is not None:
            service.config[key] = value
    scan = req.get("ScanMessageContent")
    if scan is not None:
        if scan not in _SCAN:
            raise invalid_param("ScanMessageContent")
        service.config["scan_message_content"] = scan
    period = req.get_int("ValidityPeriod")
    if period is not None:
        if not 1 <= period <= 36000:
            raise invalid_param("ValidityPeriod", "ValidityPeriod must be between 1 and 36000")
        service.validity_period = period
    if req.get("Usecase") is not None:
        service.usecase = req.get("Usecase")


def _service(req: SandboxRequest, sid: str) -> MessagingService:
    service = MessagingService.objects.filter(sid=sid, account=req.account).first()
    if service is None:
        raise not_found(req.path)
    return service


@route("messaging", "POST", "/v1/Services", status=201)
def create_service(req: SandboxRequest) -> dict:
    if not req.get("FriendlyName"):
        raise missing_param("FriendlyName")
    service = MessagingService(
        sid=new_sid("MG"), account=req.account, date_created=req.now, date_updated=req.now
    )
    _apply(req, service)
    service.save()
    return service_json(service, req.account.sid)


@route("messaging", "GET", "/v1/Services")
def list_services(req: SandboxRequest) -> dict:
    services = MessagingService.objects.filter(account=req.account).order_by("date_created", "id")
    return meta_page(req, "services", services, lambda s: service_json(s, req.account.sid))


@route("messaging", "GET", "/v1/Services/{Sid}")
def fetch_service(req: SandboxRequest) -> dict:
    return service_json(_service(req, req.arg("Sid")), req.account.sid)


@route("messaging", "POST", "/v1/Services/{Sid}")
def update_service(req: SandboxRequest) -> dict:
    service = _service(req, req.arg("Sid"))
    _apply(req, service)
    service.date_updated = req.now
    service.save()
    return service_json(service, req.account.sid)


@route("messaging", "DELETE", "/v1/Services/{Sid}")
def delete_service(req: SandboxRequest) -> None:
    _service(req, req.arg("Sid")).delete()


def member_json(member: ServicePhoneNumber, service_sid: str, account_sid: str) -> dict:
    number = member.phone_number
    capabilities = [
        name
        for name, enabled in (
            ("MMS", number.mms_capable),
            ("SMS", number.sms_capable),
            ("Voice", number.voice_capable),
        )
        if enabled
    ]
    return {
        "sid": number.sid,
        "account_sid": account_sid,
        "service_sid": service_sid,
        "date_created": formats.iso8601(member.date_created),
        "date_updated": formats.iso8601(member.date_updated),
        "phone_number": number.phone_number,
        "country_code": number.iso_country,
        "capabilities": capabilities,
        "url": f"{BASE}/{service_sid}/PhoneNumbers/{number.sid}",
    }


@route("messaging", "POST", "/v1/Services/{ServiceSid}/PhoneNumbers", status=201)
def add_number(req: SandboxRequest) -> dict:
    service = _service(req, req.arg("ServiceSid"))
    number_sid = req.require("PhoneNumberSid")
    number = (
        PhoneNumber.objects.select_related("service_membership__service")
        .filter(sid=number_sid, account=req.account)
        .first()
    )
    if number is None:
        raise TwilioError(21606, 400, f"Phone Number {number_sid} not found on this account")
    existing = getattr(number, "service_membership", None)
    if existing is not None:
        if existing.service_id == service.id:
            raise TwilioError(21710, 409, "Phone Number is already in the Messaging Service")
        raise TwilioError(
            21712, 409, "Phone Number is already associated with another Messaging Service"
        )
    with transaction.atomic():
        member = ServicePhoneNumber.objects.create(
            service=service, phone_number=number, date_created=req.now, date_updated=req.now
        )
    return member_json(member, service.sid, req.account.sid)


@route("messaging", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers")
def list_numbers(req: SandboxRequest) -> dict:
    service = _service(req, req.arg("ServiceSid"))
    members = service.memberships.select_related("phone_number").order_by("date_created", "id")
    return meta_page(
        req, "phone_numbers", members, lambda m: member_json(m, service.sid, req.account.sid)
    )


def _member(req: SandboxRequest) -> tuple[MessagingService, ServicePhoneNumber]:
    service = _service(req, req.arg("ServiceSid"))
    member = (
        service.memberships.select_related("phone_number")
        .filter(phone_number__sid=req.arg("Sid"))
        .first()
    )
    if member is None:
        raise not_found(req.path)
    return service, member


@route("messaging", "GET", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}")
def fetch_number(req: SandboxRequest) -> dict:
    service, member = _member(req)
    return member_json(member, service.sid, req.account.sid)


@route("messaging", "DELETE", "/v1/Services/{ServiceSid}/PhoneNumbers/{Sid}")
def remove_number(req: SandboxRequest) -> None:
    _, member = _member(req)
    member.delete()


@hooks.on("number_released")
@hooks.on("number_moved")
def leave_service(number: PhoneNumber) -> None:
    """A number that changes hands leaves its service (which belongs to the old owner)."""
    ServicePhoneNumber.objects.filter(phone_number=number).delete()


@hooks.on("account_closed")
def delete_services_of_closed_account(account: Account) -> None:
    MessagingService.objects.filter(account=account).delete()
