"""Start and check a verification for a browser, through the platform's Verify services.

The browser never learns an attempt's id: `widget_start` hands it a signed reference
bound to the key's service, which `widget_check` needs back, so a page holding a
publishable key can't check codes against other people's attempts.
"""

from django.core import signing

from verify.errors import VerifyRefused
from verify.models import VerificationAttempt, VerificationCheck, VerifyService
from verify.services import check_verification, start_verification
from verify.widget.keys import normalize_origin
from verify.widget.strings import PHONE_CHANNELS, locale_strings
from verify.widget.tokens import issue_token

ATTEMPT_SALT = "verify.widget.attempt"
ATTEMPT_REF_MAX_AGE = 15 * 60  # a little longer than Twilio's 10-minute code
TO_MAX_LENGTH = VerificationAttempt._meta.get_field("to").max_length


def widget_channels(service: VerifyService) -> list[str]:
    """The channels the widget offers: the service's phone channels, in their order."""
    channels = [c for c in (service.channels or []) if c in PHONE_CHANNELS]
    return channels or ["sms"]


def widget_config(service: VerifyService) -> dict:
    """What the widget shows: the tenant's name, look, locale and channels."""
    locale, words = locale_strings(service.default_locale)
    return {
        "brand_name": service.brand_name or service.tenant.name,
        "logo_url": service.logo_url,
        "brand_color": service.brand_color,
        "locale": locale,
        "channels": widget_channels(service),
        "code_length": service.code_length,
        "strings": words,
    }


def _attempt_ref(service: VerifyService, attempt: VerificationAttempt) -> str:
    return signing.dumps({"s": str(service.pk), "a": attempt.pk}, salt=ATTEMPT_SALT)


def _attempt_from_ref(service: VerifyService, ref: str) -> VerificationAttempt:
    try:
        data = signing.loads(ref, salt=ATTEMPT_SALT, max_age=ATTEMPT_REF_MAX_AGE)
    except signing.SignatureExpired as err:
        raise VerifyRefused(
            "attempt_expired", "This code has expired; send a new one.", "attempt", 400
        ) from err
    except signing.BadSignature as err:
        raise VerifyRefused("invalid", "Unknown verification.", "attempt", 400) from err
    attempt = (
        VerificationAttempt.objects.for_tenant(service.tenant)
        .filter(pk=data.get("a"), service=service, source=VerificationAttempt.Source.WIDGET)
        .select_related("service")
        .first()
    )
    if data.get("s") != str(service.pk) or attempt is None:
        raise VerifyRefused("invalid", "Unknown verification.", "attempt", 400)
    return attempt


def widget_start(
    service: VerifyService, *, to: str, channel: str, client_ip: str | None
) -> dict[str, str]:
    """Send a code from the widget; the answer carries the reference `widget_check` needs."""
    channels = widget_channels(service)
    channel = channel or channels[0]
    if channel not in channels:
        raise VerifyRefused(
            "channel_not_enabled",
            f"This widget sends codes by {', '.join(channels)}.",
            "channel",
            400,
        )
    attempt = start_verification(
        service.tenant,
        to=to,
        channel=channel,
        locale=locale_strings(service.default_locale)[0],
        client_ip=client_ip,
        source=VerificationAttempt.Source.WIDGET,
    )
    return {
        "attempt": _attempt_ref(service, attempt),
        "to": attempt.to,
        "channel": attempt.channel,
        "status": attempt.status,
    }


def widget_check(
    service: VerifyService, *, ref: str, code: str, client_ip: str | None, origin: str
) -> dict:
    """Check a code; an approved one answers the signed success token."""
    attempt = _attempt_from_ref(service, ref)
    result = check_verification(service.tenant, code=code, attempt=attempt, client_ip=client_ip)
    attempt.refresh_from_db()
    if result.result != VerificationCheck.Result.APPROVED:
        return {"status": attempt.status, "valid": False, "result": result.result}
    token = issue_token(attempt=attempt, origin=origin)
    return {"status": attempt.status, "valid": True, "phone": attempt.to, "token": token}


def safe_return_to(service: VerifyService, url: str) -> str:
    """`url` if it is on one of the service's allowed origins, else ""."""
    url = (url or "").strip()
    if not url or len(url) > 2000:
        return ""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    try:
        origin = normalize_origin(f"{scheme}://{host}")
    except ValueError:
        return ""
    return url if origin in (service.allowed_origins or []) else ""
