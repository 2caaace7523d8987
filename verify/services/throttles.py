"""The platform's own guards, checked before Twilio is asked to send anything.

- the geo allowlist (the service's countries, else the business's own country);
- per destination: sends to one number or address per rolling hour;
- per client address: sends from one IP per rolling hour;
- per destination prefix: a burst of sends to numbers under one prefix within ten minutes is
  the signature of SMS pumping (fraudsters make a site text premium numbers they are paid
  for); it is refused and raises a `PumpingAlert` (`verify.services.alerts`).

Refused sends are logged as failed attempts; only attempts that went out count towards the
limits, so the log of an attack doesn't lock out everyone after it.
"""

from datetime import timedelta

from django.db.models import QuerySet, Sum
from django.utils import timezone

from verify.errors import VerifyRefused
from verify.models import VerificationAttempt, VerifyService
from verify.services.settings import allowed_countries

HOUR = timedelta(hours=1)
BURST_WINDOW = timedelta(minutes=10)
PREFIX_TAIL = 4
"""A prefix is the E.164 number without its last four digits (`+1415555` of +14155550100)."""


def prefix_of(to: str) -> str:
    return to[:-PREFIX_TAIL] if to.startswith("+") else ""


def _sends(queryset: QuerySet) -> int:
    """Codes sent by these attempts (a resend counts on the verification it repeats)."""
    return queryset.aggregate(n=Sum("send_count"))["n"] or 0


def _sent(service: VerifyService, since) -> QuerySet:
    return (
        VerificationAttempt.objects.for_tenant(service.tenant_id)
        .filter(created_at__gte=since)
        .exclude(status=VerificationAttempt.Status.FAILED)
    )


def check_geo(service: VerifyService, country: str, channel: str) -> None:
    if channel == "email":
        return
    allowed = allowed_countries(service)
    if country not in allowed:
        raise VerifyRefused(
            "country_not_allowed",
            f"Verification to {country or 'this destination'} is not allowed: this service "
            f"sends codes only to {', '.join(allowed)}. Add the country to the allowed "
            "countries in the Verify settings.",
            "to",
            403,
        )


def check_number(service: VerifyService, to: str) -> None:
    now = timezone.now()
    if _sends(_sent(service, now - HOUR).filter(to=to)) >= service.per_number_hourly_limit:
        raise VerifyRefused(
            "too_many_sends_to_destination",
            f"{service.per_number_hourly_limit} codes were already sent to this destination "
            "in the last hour; wait before sending another.",
            "to",
            429,
        )


def check_ip(service: VerifyService, client_ip: str | None) -> None:
    if not client_ip:
        return
    now = timezone.now()
    sent = _sends(_sent(service, now - HOUR).filter(client_ip=client_ip))
    if sent >= service.per_ip_hourly_limit:
        raise VerifyRefused(
            "too_many_sends_from_ip",
            f"{service.per_ip_hourly_limit} codes were already requested from this address "
            "in the last hour; wait before requesting another.",
            None,
            429,
        )


def prefix_sends(service: VerifyService, to: str) -> int:
    """Sends to numbers under `to`'s prefix in the burst window (0 for an email)."""
    prefix = prefix_of(to)
    if not prefix:
        return 0
    since = timezone.now() - BURST_WINDOW
    return _sends(_sent(service, since).filter(to__startswith=prefix))


def burst_refusal(service: VerifyService, to: str) -> VerifyRefused:
    return VerifyRefused(
        "prefix_burst",
        f"Too many codes went to numbers starting {prefix_of(to)} in the last 10 minutes "
        "(the limit is "
        f"{service.prefix_burst_limit}): this looks like SMS pumping fraud, so sends to this "
        "prefix are paused and the business has been alerted.",
        "to",
        429,
    )
