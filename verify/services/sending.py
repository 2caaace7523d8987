"""Sending a code and checking it, on the tenant's behalf, through its Verify service.

Each send is recorded before Twilio is called and completed after, with no transaction open
during the call: a short transaction screens the send (the guards of `throttles`, under the
service row's lock so concurrent sends count each other) and commits a pending attempt; the
call runs; another short transaction records Twilio's answer. The code never passes through
the platform on a send, and on a check it is handed to Twilio and forgotten.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing.services.limit_events import refusal_message
from billing.services.limits import sending_stopped
from isvplatform import gateway
from provisioning.accounts import NoTwilioAccount, tenant_account
from tenants.models import Tenant
from verify import prices, rollups
from verify.errors import VerifyRefused, from_gateway
from verify.models import Channel, VerificationAttempt, VerifyService
from verify.services import alerts, rules, throttles
from verify.services.destinations import destination

Status = VerificationAttempt.Status


def ready_service(tenant: Tenant) -> VerifyService:
    """The tenant's service, refusing while Verify is off or not yet set up at Twilio."""
    service = VerifyService.objects.for_tenant(tenant).select_related("tenant").first()
    if service is None or not service.enabled:
        raise VerifyRefused(
            "verify_disabled", "Verify is not switched on for this business.", None, 409
        )
    if service.status != VerifyService.Status.ACTIVE or not service.twilio_sid:
        detail = f" Last error: {service.last_error}" if service.last_error else ""
        raise VerifyRefused(
            "verify_not_ready",
            f"The Verify service is still being set up at Twilio; try again shortly.{detail}",
            None,
            409,
        )
    return service


def _channel(service: VerifyService, channel: str) -> str:
    if channel not in Channel.values:
        raise VerifyRefused(
            "invalid", f"The channel must be one of {', '.join(Channel.values)}.", "channel", 400
        )
    if channel not in service.channels:
        label = Channel(channel).label
        raise VerifyRefused(
            "channel_disabled",
            f"{label} is not enabled for this Verify service; enable it in the settings.",
            "channel",
            400,
        )
    return channel


def _screen(service: VerifyService, to: str, country: str, channel: str, client_ip) -> None:
    throttles.check_geo(service, country, channel)
    throttles.check_number(service, to)
    throttles.check_ip(service, client_ip)


def _record(
    service: VerifyService, fields: dict
) -> tuple[VerificationAttempt, VerifyRefused | None, int | None]:
    """The attempt, screened and committed: pending, or failed with the platform's refusal
    (and the prefix-burst count when that guard tripped)."""
    with transaction.atomic():
        VerifyService.objects.select_for_update().filter(pk=service.pk).first()
        attempt = VerificationAttempt(tenant_id=service.tenant_id, service=service, **fields)
        attempt.created_at = timezone.now()
        burst = None
        try:
            _screen(service, attempt.to, attempt.country, attempt.channel, attempt.client_ip)
            sends = throttles.prefix_sends(service, attempt.to)
            if attempt.channel != Channel.EMAIL and sends >= service.prefix_burst_limit:
                burst = sends
                raise throttles.burst_refusal(service, attempt.to)
        except VerifyRefused as refusal:
            attempt.status, attempt.error_code = Status.FAILED, refusal.code
            attempt.error_message = refusal.message[:500]
            attempt.send_count = 0
            attempt.save()
            rollups.mark_attempt_dirty(attempt)
            return attempt, refusal, burst
        attempt.save()
        rollups.mark_attempt_dirty(attempt)
    return attempt, None, None


def _fail(attempt: VerificationAttempt, refusal: VerifyRefused) -> VerifyRefused:
    VerificationAttempt.objects.filter(pk=attempt.pk).update(
        status=Status.FAILED,
        error_code=refusal.code,
        error_message=refusal.message[:500],
        send_count=0,
        updated_at=timezone.now(),
    )
    rollups.mark_attempt_dirty(attempt)
    return refusal


def _sent(attempt: VerificationAttempt, result: gateway.VerificationResult) -> VerificationAttempt:
    """Twilio's answer recorded; a resend (the same `VE…` still pending) counts on the
    verification it repeats, and the provisional row goes."""
    price = prices.send_price(attempt.channel)
    with transaction.atomic():
        earlier = (
            VerificationAttempt.objects.for_tenant(attempt.tenant_id)
            .select_for_update()
            .filter(twilio_sid=result.sid, status=Status.PENDING)
            .exclude(pk=attempt.pk)
            .first()
        )
        if earlier is not None:
            attempt.delete()
            VerificationAttempt.objects.filter(pk=earlier.pk).update(
                send_count=F("send_count") + 1,
                price=F("price") + price,
                channel=attempt.channel,
                updated_at=timezone.now(),
            )
            earlier.refresh_from_db()
            rollups.mark_attempt_dirty(earlier)
            return earlier
        attempt.twilio_sid = result.sid
        attempt.status = result.status if result.status in Status.values else Status.PENDING
        attempt.price, attempt.price_unit = price, prices.CURRENCY
        attempt.save(update_fields=["twilio_sid", "status", "price", "price_unit", "updated_at"])
        rollups.mark_attempt_dirty(attempt)
    return attempt


def _refuse_at_hard_limit(tenant: Tenant) -> None:
    """A reached hard spending limit covering Verify stops new verifications (402), as it
    stops messages (`billing.services.limits`)."""
    limit = sending_stopped(tenant, "verify")
    if limit is not None:
        raise VerifyRefused("spending_limit_reached", refusal_message(limit), None, 402)


def start_verification(
    tenant: Tenant,
    *,
    to: str,
    channel: str,
    locale: str = "",
    client_ip: str | None = None,
    source: str = "api",
) -> VerificationAttempt:
    """Send a code to `to` over `channel`; raises VerifyRefused for every refusal (the
    platform's guards, and Twilio's codes such as 60203, 60410, 60605)."""
    service = ready_service(tenant)
    _refuse_at_hard_limit(tenant)
    channel = _channel(service, channel)
    locale = rules.locale(locale, "locale", blank=True) or service.default_locale
    to, country = destination(to, channel)
    source = source if source in VerificationAttempt.Source.values else "api"
    attempt, refusal, burst = _record(
        service,
        {
            "to": to,
            "channel": channel,
            "country": country,
            "locale": locale,
            "client_ip": client_ip or None,
            "source": source,
        },
    )
    if refusal is not None:
        if burst is not None:
            alerts.raise_pumping_alert(service, to=to, country=country, sends=burst)
        raise refusal
    try:
        client = tenant_account(tenant).client()
        result = gateway.start_verification(
            client, service.twilio_sid, to=to, channel=channel, locale=locale
        )
    except NoTwilioAccount as err:
        raise _fail(attempt, VerifyRefused("no_twilio_account", str(err), None, 409)) from err
    except gateway.GatewayError as err:
        raise _fail(attempt, from_gateway(err)) from err
    return _sent(attempt, result)
