"""verify.twilio.com/v2/Services/{ServiceSid}/MessagingConfigurations[/{Country}]."""

from __future__ import annotations

import phonenumbers

from sandbox.core import formats
from sandbox.core.errors import not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.messaging_services.models import MessagingService
from sandbox.resources.verify_messaging_configurations.models import MessagingConfiguration
from sandbox.resources.verify_messaging_configurations.senders import ALL
from sandbox.resources.verify_services import rules
from sandbox.resources.verify_services.handlers import BASE, service_of
from sandbox.resources.verify_services.models import VerifyService

PATH = "/v2/Services/{ServiceSid}/MessagingConfigurations"


def configuration_json(config: MessagingConfiguration, service: VerifyService) -> dict:
    return {
        "account_sid": service.account.sid,
        "service_sid": service.sid,
        "country": config.country,
        "messaging_service_sid": config.messaging_service_sid,
        "date_created": formats.iso8601(config.date_created),
        "date_updated": formats.iso8601(config.date_updated),
        "url": f"{BASE}/{service.sid}/MessagingConfigurations/{config.country}",
    }


def _country(raw: str | None) -> str:
    value = (raw or "").strip()
    if value.lower() == ALL:
        return ALL
    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise rules.invalid("Country", f"{value or 'it'} is not an ISO-3166-1 country code or all")
    return value.upper()


def _messaging_service(req: SandboxRequest, service: VerifyService) -> str:
    sid = (req.get("MessagingServiceSid") or "").strip()
    if not MessagingService.objects.filter(sid=sid, account=service.account).exists():
        raise rules.invalid("MessagingServiceSid", f"{sid or 'it'} is not a messaging service")
    return sid


def _configuration(req: SandboxRequest, service: VerifyService) -> MessagingConfiguration:
    country = req.arg("Country").strip()
    country = ALL if country.lower() == ALL else country.upper()
    config = MessagingConfiguration.objects.filter(service=service, country=country).first()
    if config is None:
        raise not_found(req.path)
    return config


@route("verify", "POST", PATH, status=201)
def create_messaging_configuration(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    country = _country(req.get("Country"))
    sid = _messaging_service(req, service)
    if MessagingConfiguration.objects.filter(service=service, country=country).exists():
        raise rules.invalid("Country", f"a configuration for {country} already exists")
    config = MessagingConfiguration.objects.create(
        service=service,
        country=country,
        messaging_service_sid=sid,
        date_created=req.now,
        date_updated=req.now,
    )
    return configuration_json(config, service)


@route("verify", "GET", PATH)
def list_messaging_configurations(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    rows = MessagingConfiguration.objects.filter(service=service).order_by("date_created", "id")
    return meta_page(
        req, "messaging_configurations", rows, lambda c: configuration_json(c, service)
    )


@route("verify", "GET", PATH + "/{Country}")
def fetch_messaging_configuration(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    return configuration_json(_configuration(req, service), service)


@route("verify", "POST", PATH + "/{Country}")
def update_messaging_configuration(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    config = _configuration(req, service)
    config.messaging_service_sid = _messaging_service(req, service)
    config.date_updated = req.now
    config.save()
    return configuration_json(config, service)


@route("verify", "DELETE", PATH + "/{Country}")
def delete_messaging_configuration(req: SandboxRequest) -> None:
    service = service_of(req, req.arg("ServiceSid"))
    _configuration(req, service).delete()
