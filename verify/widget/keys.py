"""The widget's settings on the tenant's Verify service: key, origins, logo and colour."""

import re
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from tenants.services import Actor, record_audit
from verify.models import VerifyService

MAX_ORIGINS = 20
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Browsers send host names in Origin in ASCII (an IDN as punycode) or an IPv6 literal.
HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")
IPV6_RE = re.compile(r"^[0-9a-f:.]+$")
DEFAULT_PORTS = {"http": 80, "https": 443}
ORIGIN_HELP = "An origin is scheme://host[:port], like https://shop.example.com."


def key_prefix() -> str:
    """`pk_live_` against real Twilio, `pk_test_` against the sandbox."""
    return "pk_live_" if settings.TWILIO_MODE == "live" else "pk_test_"


def new_publishable_key() -> str:
    return key_prefix() + secrets.token_urlsafe(24)


def new_token_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def normalize_origin(value: str) -> str:
    """`value` as a browser sends it in `Origin`: lower-case, no default port, no slash.

    Raises ValueError (with a sentence) for anything that is not scheme://host[:port].
    """
    raw = (value or "").strip()
    if raw.endswith("/"):
        raw = raw[:-1]
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as err:
        raise ValueError(f"{value!r} has an invalid port.") from err
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{value!r} is not an origin. {ORIGIN_HELP}")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"{value!r} has more than scheme://host[:port]. {ORIGIN_HELP}")
    host = parts.hostname.lower()
    if ":" in host and IPV6_RE.match(host):
        host = f"[{host}]"
    elif not HOST_RE.match(host):
        raise ValueError(f"{value!r} has an invalid host (IDNs go in punycode, xn--…).")
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def clean_origins(values: list[str]) -> list[str]:
    """Normalized, de-duplicated origins in the order given; a ValidationError names the
    bad ones."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError({"allowed_origins": "Give a list of origins."})
    cleaned: list[str] = []
    problems: list[str] = []
    for value in values:
        if not value.strip():
            continue
        try:
            origin = normalize_origin(value)
        except ValueError as err:
            problems.append(str(err))
            continue
        if origin not in cleaned:
            cleaned.append(origin)
    if problems:
        raise ValidationError({"allowed_origins": problems})
    if len(cleaned) > MAX_ORIGINS:
        raise ValidationError({"allowed_origins": f"At most {MAX_ORIGINS} origins."})
    return cleaned


def clean_logo_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    max_length = VerifyService._meta.get_field("logo_url").max_length
    if len(value) > max_length:
        raise ValidationError({"logo_url": f"At most {max_length} characters."})
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError as err:
        raise ValidationError({"logo_url": "Give an http(s) URL of an image."}) from err
    return value


def clean_brand_color(value: str) -> str:
    value = (value or "").strip()
    if not COLOR_RE.match(value):
        raise ValidationError({"brand_color": "Give a colour as #rrggbb, like #2563eb."})
    return value.lower()


WIDGET_FIELDS = {
    "allowed_origins": clean_origins,
    "logo_url": clean_logo_url,
    "brand_color": clean_brand_color,
}


def _ensure_secrets(service: VerifyService) -> list[str]:
    """Give the service a key and a signing secret if it has none; the fields changed."""
    changed = []
    if not service.publishable_key:
        service.publishable_key = new_publishable_key()
        changed.append("publishable_key")
    if not service.token_secret:
        service.token_secret = new_token_secret()
        changed.append("token_secret")
    return changed


def widget_enable(*, service: VerifyService, actor: Actor) -> VerifyService:
    """Create the publishable key and the token signing secret, once."""
    with transaction.atomic():
        service = VerifyService.objects.select_for_update().get(pk=service.pk)
        changed = _ensure_secrets(service)
        if changed:
            service.save(update_fields=[*changed, "updated_at"])
            record_audit(
                tenant=service.tenant,
                actor=actor,
                action="verify_widget.key_created",
                target=service,
                changes={"prefix": service.publishable_key[:8]},
            )
    return service


def widget_update(*, service: VerifyService, data: dict, actor: Actor) -> VerifyService:
    """Change the origins, logo or colour (the keys of `data` that are widget fields)."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for name, clean in WIDGET_FIELDS.items():
        if name not in data:
            continue
        try:
            cleaned[name] = clean(data[name])
        except ValidationError as err:
            errors.update(err.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        service = VerifyService.objects.select_for_update().get(pk=service.pk)
        changes = {
            name: {"from": getattr(service, name), "to": value}
            for name, value in cleaned.items()
            if getattr(service, name) != value
        }
        for name, value in cleaned.items():
            setattr(service, name, value)
        new_secrets = _ensure_secrets(service)
        if changes or new_secrets:
            service.save(update_fields=[*cleaned, *new_secrets, "updated_at"])
        if changes:
            record_audit(
                tenant=service.tenant,
                actor=actor,
                action="verify_widget.updated",
                target=service,
                changes=changes,
            )
    return service


def widget_rotate_key(*, service: VerifyService, actor: Actor) -> VerifyService:
    """A new publishable key; the old one stops working at once (embeds must be updated)."""
    with transaction.atomic():
        service = VerifyService.objects.select_for_update().get(pk=service.pk)
        old = service.publishable_key or ""
        service.publishable_key = new_publishable_key()
        new_secrets = [f for f in _ensure_secrets(service) if f != "publishable_key"]
        service.save(update_fields=["publishable_key", *new_secrets, "updated_at"])
        record_audit(
            tenant=service.tenant,
            actor=actor,
            action="verify_widget.key_rotated",
            target=service,
            changes={"old_prefix": old[:8], "new_prefix": service.publishable_key[:8]},
        )
    return service


def widget_rotate_secret(*, service: VerifyService, actor: Actor) -> tuple[VerifyService, str]:
    """A new token signing secret, returned in clear once; tokens signed before it fail."""
    secret = new_token_secret()
    with transaction.atomic():
        service = VerifyService.objects.select_for_update().get(pk=service.pk)
        service.token_secret = secret
        changed = [f for f in _ensure_secrets(service) if f != "token_secret"]
        service.save(update_fields=["token_secret", *changed, "updated_at"])
        record_audit(
            tenant=service.tenant,
            actor=actor,
            action="verify_widget.secret_rotated",
            target=service,
        )
    return service, secret


def service_for_key(key: str) -> VerifyService | None:
    """The Verify service a publishable key belongs to (any tenant: the key says which)."""
    key = (key or "").strip()
    if not key.startswith(("pk_live_", "pk_test_")) or len(key) > 64:
        return None
    return (
        VerifyService.objects.select_related("tenant")
        .filter(publishable_key=key)  # unscoped on purpose: the key names its tenant
        .first()
    )
