"""verify.twilio.com/v2/Services/{ServiceSid}/Verifications and /VerificationCheck.

A verification lives `VALIDITY` (10 minutes on the sandbox clock). Resending to the same
`To` while it lives sends the same code again, at most `MAX_SENDS` times (then 429 / 60203);
at most `MAX_CHECKS` checks are answered (then 429 / 60202), a wrong code being no error
(`pending`, `valid: false`). `RateLimits` values count in the service's rate-limit buckets
(429 / 20429 when one is full). Approved and expired verifications are deleted: fetching or
checking them is 404 / 20404. Canceled ones stay fetchable.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets

import phonenumbers

from sandbox.core import formats
from sandbox.core.errors import TwilioError, not_found
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.core.sids import new_sid
from sandbox.resources.lookups import packages
from sandbox.resources.lookups.handlers import line_type
from sandbox.resources.verifications import delivery, options, protections, texts
from sandbox.resources.verifications.models import Verification
from sandbox.resources.verify_rate_limits import enforce as rate_limits
from sandbox.resources.verify_services import catalogue, rules
from sandbox.resources.verify_services.handlers import BASE, service_of
from sandbox.resources.verify_services.models import VerifyService

VALIDITY = dt.timedelta(minutes=10)
MAX_SENDS = 5
MAX_CHECKS = 5
MAX_SENDS_REACHED = 60203
MAX_CHECKS_REACHED = 60202
CHANNEL_DISABLED = 60223
CHANNELS = ("sms", "call", "email", "whatsapp")
ATTEMPT_CHANNEL = {"sms": "SMS", "call": "CALL", "email": "EMAIL", "whatsapp": "whatsapp"}
LIVE = (Verification.Status.PENDING, Verification.Status.MAX_ATTEMPTS_REACHED)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
S = Verification.Status


def verification_json(verification: Verification) -> dict:
    return {
        "sid": verification.sid,
        "service_sid": verification.service.sid,
        "account_sid": verification.account.sid,
        "to": verification.to,
        "channel": verification.channel,
        "status": verification.status,
        "valid": verification.status == S.APPROVED,
        "lookup": verification.lookup,
        "amount": verification.amount or None,
        "payee": verification.payee or None,
        "send_code_attempts": verification.send_code_attempts,
        "date_created": formats.iso8601(verification.date_created),
        "date_updated": formats.iso8601(verification.date_updated),
        "sna": None,
        "url": f"{BASE}/{verification.service.sid}/Verifications/{verification.sid}",
    }


def check_json(verification: Verification) -> dict:
    return {
        "sid": verification.sid,
        "service_sid": verification.service.sid,
        "account_sid": verification.account.sid,
        "to": verification.to,
        "channel": verification.channel,
        "status": verification.status,
        "valid": verification.status == S.APPROVED,
        "amount": verification.amount or None,
        "payee": verification.payee or None,
        "sna_attempts_error_codes": [],
        "date_created": formats.iso8601(verification.date_created),
        "date_updated": formats.iso8601(verification.date_updated),
    }


def _channel(req: SandboxRequest) -> str:
    channel = (req.get("Channel") or "").strip().lower()
    if not channel:
        raise rules.invalid("Channel", "is required")
    if channel == "auto":
        return "sms"  # no SNA carrier here: `auto` falls back to SMS, as Twilio's does
    if channel == "sna":
        raise TwilioError(CHANNEL_DISABLED, 400, "Delivery channel disabled: sna")
    if channel not in CHANNELS:
        raise rules.invalid("Channel", f"must be one of {', '.join(CHANNELS)}")
    return channel


def _recipient(req: SandboxRequest, channel: str) -> tuple[str, str]:
    """(`To`, its ISO country; "" for an email)."""
    to = (req.get("To") or "").strip()
    if not to:
        raise rules.invalid("To", "is required")
    if channel == "email":
        if not _EMAIL.match(to):
            raise rules.invalid("To", f"{to} is not an email address")
        return to.lower(), ""
    to = formats.split_channel(to)[1] if to.startswith("whatsapp:") else to
    if not formats.is_e164(to):
        raise rules.invalid("To", f"{to} is not a phone number in E.164 format")
    parsed = phonenumbers.parse(to)
    country = phonenumbers.region_code_for_number(
        parsed
    ) or phonenumbers.region_code_for_country_code(parsed.country_code)
    return to, country or ""


def _screen(req: SandboxRequest, to: str, country: str, channel: str) -> bool:
    """Geo permissions, Fraud Guard and line type; True when Fraud Guard watches the send."""
    if channel == "email":
        return False
    risk = req.get("RiskCheck") or "enable"
    if risk not in ("enable", "disable"):
        raise rules.invalid("RiskCheck", "must be enable or disable")
    screened = not (channel == "sms" and risk == "disable") and not protections.safe_listed(
        req.account, to
    )
    if screened:
        protections.check_geo(req.account, country)
        if channel == "sms":
            protections.check_fraud_guard(req.account, to, req.now)
    if channel == "sms":
        protections.check_landline(to)
    return screened and channel == "sms"


def _lookup(service: VerifyService, to: str, channel: str) -> dict:
    if not service.lookup_enabled or channel == "email":
        return {}
    carrier = packages.line_type_intelligence(line_type(to))
    return {
        "carrier": {
            "error_code": None,
            "name": carrier["carrier_name"],
            "mobile_country_code": carrier["mobile_country_code"] or None,
            "mobile_network_code": carrier["mobile_network_code"] or None,
            "type": carrier["type"],
        }
    }


def live_verification(service: VerifyService, to: str, now: dt.datetime) -> Verification | None:
    return (
        Verification.objects.select_related("account", "service")
        .filter(service=service, to=to, status__in=LIVE, expires_at__gt=now)
        .order_by("-date_created", "-id")
        .first()
    )


def _new_code(length: int) -> str:
    return f"{secrets.randbelow(10**length):0{length}d}"


def _text(verification: Verification, opts: options.StartOptions, code: str) -> str:
    """The SMS (or templated call) wording."""
    name, locale = opts.friendly_name, verification.locale
    if opts.template is not None:
        template_text = catalogue.translation(opts.template, locale)
        text = texts.from_template(template_text, name, code, opts.substitutions)
    elif verification.channel == "sms":
        text = texts.sms(
            locale, name, code, warning=verification.service.do_not_share_warning_enabled
        )
    else:
        return ""
    return f"{text}\n\n{opts.app_hash}" if opts.app_hash else text


@route("verify", "POST", "/v2/Services/{ServiceSid}/Verifications", status=201)
def create_verification(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    channel = _channel(req)
    to, country = _recipient(req, channel)
    try:
        locale = texts.resolve_locale(req.get("Locale"), country)
    except ValueError:
        raise rules.invalid("Locale", f"{req.get('Locale')} is not a supported locale") from None
    opts = options.read(req, service, channel)
    verification = live_verification(service, to, req.now)
    if verification is not None and len(verification.send_code_attempts) >= MAX_SENDS:
        raise TwilioError(MAX_SENDS_REACHED, 429, "Max send attempts reached")
    watched = _screen(req, to, country, channel)
    limited = rate_limits.check(service, opts.rate_limits, req.now)
    if verification is None:
        protections.check_concurrency(req.account, to, req.now)
        verification = Verification(
            sid=new_sid("VE"),
            account=req.account,
            service=service,
            to=to,
            country=country,
            expires_at=req.now + VALIDITY,
            date_created=req.now,
        )
        verification.code = opts.custom_code or _new_code(service.code_length)
    elif opts.custom_code:
        verification.code = opts.custom_code
    code = verification.code.reveal()
    verification.channel, verification.locale = channel, locale
    verification.amount, verification.payee = opts.amount, opts.payee
    verification.tags = opts.tags or verification.tags
    verification.lookup = _lookup(service, to, channel)
    attempt_sid = delivery.new_attempt_sid()
    verification.send_code_attempts = [
        *verification.send_code_attempts,
        {
            "time": formats.iso8601(req.now),
            "channel": ATTEMPT_CHANNEL[channel],
            "attempt_sid": attempt_sid,
        },
    ]
    verification.date_updated = req.now
    verification.save()
    delivery.deliver(
        verification,
        name=opts.friendly_name,
        code=code,
        attempt_sid=attempt_sid,
        at=req.now,
        sms_text=_text(verification, opts, code),
        email_config=opts.email,
    )
    rate_limits.count(limited, req.now)
    if watched:
        protections.observe_sms(req.account, to, req.now)
    return verification_json(verification)


def _find(req: SandboxRequest, service: VerifyService, sid_or_to: str) -> Verification:
    """By `VE…` SID or by `To`; approved and expired verifications are gone (20404)."""
    if sid_or_to.startswith("VE"):
        verification = (
            Verification.objects.select_related("account", "service")
            .filter(service=service, sid=sid_or_to)
            .first()
        )
    else:
        verification = live_verification(service, sid_or_to.strip().lower(), req.now)
        if verification is None:
            verification = live_verification(service, sid_or_to.strip(), req.now)
    if verification is None or verification.status in (S.APPROVED, S.EXPIRED):
        raise not_found(req.path)
    if verification.status in LIVE and verification.expires_at <= req.now:
        raise not_found(req.path)
    return verification


@route("verify", "GET", "/v2/Services/{ServiceSid}/Verifications/{Sid}")
def fetch_verification(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    return verification_json(_find(req, service, req.arg("Sid")))


@route("verify", "POST", "/v2/Services/{ServiceSid}/Verifications/{Sid}")
def update_verification(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    status = req.get("Status") or ""
    if status not in (S.CANCELED, S.APPROVED):
        raise rules.invalid("Status", "must be canceled or approved")
    verification = _find(req, service, req.arg("Sid"))
    if verification.status not in LIVE:
        raise not_found(req.path)
    verification.status = status
    verification.date_updated = req.now
    verification.save(update_fields=["status", "date_updated"])
    if status == S.APPROVED:
        delivery.charge_success(verification, req.now)
    return verification_json(verification)


@route("verify", "POST", "/v2/Services/{ServiceSid}/VerificationCheck", status=201)
def create_verification_check(req: SandboxRequest) -> dict:
    service = service_of(req, req.arg("ServiceSid"))
    sid, to = req.get("VerificationSid"), (req.get("To") or "").strip()
    if not sid and not to:
        raise rules.invalid("To", "To or VerificationSid is required")
    code = req.get("Code") or ""
    if not code:
        raise rules.invalid("Code", "is required")
    verification = _find(req, service, sid or to)
    if verification.status not in LIVE:
        raise not_found(req.path)
    if verification.check_attempts >= MAX_CHECKS:
        raise TwilioError(MAX_CHECKS_REACHED, 429, "Max check attempts reached")
    verification.check_attempts += 1
    if hmac.compare_digest(code.encode(), verification.code.reveal().encode()):
        verification.status = S.APPROVED
        delivery.charge_success(verification, req.now)
    elif verification.check_attempts >= MAX_CHECKS:
        verification.status = S.MAX_ATTEMPTS_REACHED
    verification.date_updated = req.now
    verification.save(update_fields=["status", "check_attempts", "date_updated"])
    return check_json(verification)
