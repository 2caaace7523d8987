"""verify.twilio.com/v2/Services (create, list, fetch, update, delete) and /v2/Templates."""

from __future__ import annotations

from sandbox.core import formats
from sandbox.core.errors import not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.verify_services import catalogue, options, rules
from sandbox.resources.verify_services.models import VerifyService

BASE = "https://verify.twilio.com/v2/Services"
LINKS = {
    "verification_checks": "VerificationCheck",
    "verifications": "Verifications",
    "rate_limits": "RateLimits",
    "messaging_configurations": "MessagingConfigurations",
    "entities": "Entities",
    "webhooks": "Webhooks",
    "access_tokens": "AccessTokens",
}


def service_json(service: VerifyService) -> dict:
    url = f"{BASE}/{service.sid}"
    totp = dict(service.totp)
    totp["issuer"] = totp.get("issuer") or service.friendly_name
    return {
        "sid": service.sid,
        "account_sid": service.account.sid,
        "friendly_name": service.friendly_name,
        "code_length": service.code_length,
        "lookup_enabled": service.lookup_enabled,
        "psd2_enabled": service.psd2_enabled,
        "skip_sms_to_landlines": service.skip_sms_to_landlines,
        "dtmf_input_required": service.dtmf_input_required,
        "tts_name": service.tts_name or None,
        "do_not_share_warning_enabled": service.do_not_share_warning_enabled,
        "custom_code_enabled": service.custom_code_enabled,
        "push": service.push,
        "totp": totp,
        "default_template_sid": service.default_template_sid or None,
        "whatsapp": {
            "msg_service_sid": service.whatsapp_msg_service_sid or None,
            "from": service.whatsapp_from or None,
        },
        "passkeys": service.passkeys,
        "verify_event_subscription_enabled": service.verify_event_subscription_enabled,
        "date_created": formats.iso8601(service.date_created),
        "date_updated": formats.iso8601(service.date_updated),
        "url": url,
        "links": {key: f"{url}/{path}" for key, path in LINKS.items()},
    }


def service_of(req: SandboxRequest, sid: str) -> VerifyService:
    """The caller's service, else 404 / 20404 (another account's too)."""
    service = (
        VerifyService.objects.select_related("account").filter(sid=sid, account=req.account).first()
    )
    if service is None:
        raise not_found(req.path)
    return service


@route("verify", "POST", "/v2/Services", status=201)
def create_service(req: SandboxRequest) -> dict:
    if not req.get("FriendlyName"):
        raise rules.invalid("FriendlyName", "is required")
    service = VerifyService(
        sid=new_sid("VA"), account=req.account, date_created=req.now, date_updated=req.now
    )
    options.apply(req, service)
    service.save()
    return service_json(service)


@route("verify", "GET", "/v2/Services")
def list_services(req: SandboxRequest) -> dict:
    rows = VerifyService.objects.select_related("account").filter(account=req.account)
    return meta_page(req, "services", rows.order_by("date_created", "id"), service_json)


@route("verify", "GET", "/v2/Services/{Sid}")
def fetch_service(req: SandboxRequest) -> dict:
    return service_json(service_of(req, req.arg("Sid")))


@route("verify", "POST", "/v2/Services/{Sid}")
def update_service(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("Sid"))
    options.apply(req, service)
    service.date_updated = req.now
    service.save()
    return service_json(service)


@route("verify", "DELETE", "/v2/Services/{Sid}")
def delete_service(req: SandboxRequest) -> None:
    service_of(req, req.arg("Sid")).delete()


@route("verify", "GET", "/v2/Templates")
def list_templates(req: SandboxRequest) -> dict:
    wanted = (req.q("FriendlyName") or "").strip().lower()
    found = [t for t in catalogue.TEMPLATES if wanted in t.friendly_name.lower()]
    return meta_page(req, "templates", found, lambda t: catalogue.template_json(t, req.account.sid))
