"""verify.twilio.com/v2/Attempts, /v2/Attempts/{Sid} and /v2/Attempts/Summary.

An attempt is one send of a code (`VL…`, the `attempt_sid` of `send_code_attempts`); it is
`converted` when its verification was approved. Prices are what the attempt was billed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from sandbox.core import formats
from sandbox.core.errors import not_found
from sandbox.core.paging import meta_page
from sandbox.core.request import SandboxRequest
from sandbox.core.routing import route
from sandbox.resources.lookups import packages
from sandbox.resources.lookups.handlers import line_type
from sandbox.resources.verifications.models import Verification, VerifyDelivery
from sandbox.resources.verify_services import rules

BASE = "https://verify.twilio.com/v2/Attempts"
CHANNELS = ("sms", "call", "email", "whatsapp", "rbm")
CONVERSIONS = ("converted", "unconverted")


def _converted(account_id: int, verification_sids: set[str]) -> set[str]:
    return set(
        Verification.objects.filter(
            account_id=account_id, sid__in=verification_sids, status=Verification.Status.APPROVED
        ).values_list("sid", flat=True)
    )


def _channel_data(delivery: VerifyDelivery, converted: bool) -> dict:
    data = {
        "verification_sid": delivery.verification_sid,
        "to": delivery.to_address,
        "status": "confirmed" if converted else "unconfirmed",
        "code_length": delivery.code_length,
        "locale": delivery.locale,
    }
    if delivery.channel != VerifyDelivery.Channel.EMAIL:
        carrier = packages.line_type_intelligence(line_type(delivery.to_address))
        data.update(
            {
                "message_status": "delivered",
                "error_code": None,
                "country": delivery.country or None,
                "mcc": carrier["mobile_country_code"] or None,
                "mnc": carrier["mobile_network_code"] or None,
                "carrier": carrier["carrier_name"],
            }
        )
    return data


def attempt_json(delivery: VerifyDelivery, converted: set[str]) -> dict:
    is_converted = delivery.verification_sid in converted
    return {
        "sid": delivery.sid,
        "account_sid": delivery.account.sid,
        "service_sid": delivery.service_sid,
        "verification_sid": delivery.verification_sid,
        "date_created": formats.iso8601(delivery.date_created),
        "date_updated": formats.iso8601(delivery.date_created),
        "conversion_status": "converted" if is_converted else "unconverted",
        "channel": str(delivery.channel),
        "price": {"value": str(delivery.price.normalize()), "currency": "usd"},
        "channel_data": _channel_data(delivery, is_converted),
        "url": f"{BASE}/{delivery.sid}",
    }


def _when(req: SandboxRequest, name: str) -> dt.datetime | None:
    raw = req.q(name)
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise rules.invalid(name, f"{raw} is not an ISO 8601 date-time") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _choice(req: SandboxRequest, name: str, choices: tuple[str, ...]) -> str | None:
    value = (req.q(name) or "").lower() or None
    if value is not None and value not in choices:
        raise rules.invalid(name, f"must be one of {', '.join(choices)}")
    return value


def _filtered(req: SandboxRequest) -> QuerySet:
    rows = VerifyDelivery.objects.select_related("account").filter(account=req.account)
    after, before = _when(req, "DateCreatedAfter"), _when(req, "DateCreatedBefore")
    if after:
        rows = rows.filter(date_created__gte=after)
    if before:
        rows = rows.filter(date_created__lte=before)
    channel = _choice(req, "Channel", CHANNELS)
    if channel:
        rows = rows.filter(channel=channel)
    if req.q("Country"):
        rows = rows.filter(country=req.q("Country").upper())
    if req.q("VerifyServiceSid"):
        rows = rows.filter(service_sid=req.q("VerifyServiceSid"))
    return rows


@route("verify", "GET", "/v2/Attempts")
def list_attempts(req: SandboxRequest) -> dict:
    rows = _filtered(req)
    if req.q("ChannelData.To"):
        rows = rows.filter(to_address=req.q("ChannelData.To").strip())
    if req.q("VerificationSid"):
        rows = rows.filter(verification_sid=req.q("VerificationSid"))
    status = _choice(req, "Status", CONVERSIONS)
    if status:
        approved = Verification.objects.filter(
            account=req.account, status=Verification.Status.APPROVED
        ).values("sid")
        rows = (
            rows.filter(verification_sid__in=approved)
            if status == "converted"
            else rows.exclude(verification_sid__in=approved)
        )
    rows = list(rows.order_by("-date_created", "-id"))
    converted = _converted(req.account.id, {r.verification_sid for r in rows})
    return meta_page(req, "attempts", rows, lambda d: attempt_json(d, converted))


@route("verify", "GET", "/v2/Attempts/Summary")
def fetch_attempts_summary(req: SandboxRequest) -> dict:
    rows = _filtered(req)
    if req.q("DestinationPrefix"):
        rows = rows.filter(to_address__startswith=req.q("DestinationPrefix").strip())
    sids = list(rows.values_list("verification_sid", flat=True))
    converted = _converted(req.account.id, set(sids))
    total, done = len(sids), sum(1 for sid in sids if sid in converted)
    rate = Decimal(done * 100) / Decimal(total) if total else Decimal(0)
    return {
        "total_attempts": total,
        "total_converted": done,
        "total_unconverted": total - done,
        "conversion_rate_percentage": f"{rate:.9f}",
        "url": f"{BASE}/Summary",
    }


@route("verify", "GET", "/v2/Attempts/{Sid}")
def fetch_attempt(req: SandboxRequest) -> dict:
    delivery = (
        VerifyDelivery.objects.select_related("account")
        .filter(account=req.account, sid=req.arg("Sid"))
        .first()
    )
    if delivery is None:
        raise not_found(req.path)
    return attempt_json(delivery, _converted(req.account.id, {delivery.verification_sid}))
