"""Platform API keys: how an integrator (not a tenant) creates customers through the API.

A platform key reads `isvp_<prefix>_<secret>`; it is shown once and stored as a SHA-256 hash.
Only the views that accept it list its authentication class, so it opens nothing else.
"""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from isvplatform.api.throttling import AuthFailureThrottle
from provisioning.models import PlatformAPIKey
from tenants.services import Actor, record_audit

PLATFORM_KEY_PREFIX = "isvp_"


def _hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def platform_key_create(*, name: str, actor: Actor) -> tuple[PlatformAPIKey, str]:
    """Create a key and return it with its plaintext, which is never stored or shown again."""
    if not (name or "").strip():
        raise ValidationError({"name": "Give the key a name."})
    prefix = secrets.token_hex(4)
    raw_key = f"{PLATFORM_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = PlatformAPIKey.objects.create(
            name=name.strip(), prefix=prefix, hashed_key=_hash(raw_key), created_by=actor.user
        )
        record_audit(
            tenant=None,
            actor=actor,
            action="platform_key.created",
            target=key,
            changes={"name": key.name},
        )
    return key, raw_key


def platform_key_revoke(*, key: PlatformAPIKey, actor: Actor) -> PlatformAPIKey:
    with transaction.atomic():
        if key.revoked_at is None:
            key.revoked_at = timezone.now()
            key.save(update_fields=["revoked_at"])
            record_audit(tenant=None, actor=actor, action="platform_key.revoked", target=key)
    return key


def platform_key_authenticate(raw_key: str) -> PlatformAPIKey | None:
    if not raw_key.startswith(PLATFORM_KEY_PREFIX):
        return None
    key = PlatformAPIKey.objects.filter(hashed_key=_hash(raw_key), revoked_at=None).first()
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            PlatformAPIKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class PlatformKeyUser:
    """The request.user of a call made with a platform key."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, key: PlatformAPIKey) -> None:
        self.platform_key = key

    def get_username(self) -> str:
        return f"platform-key:{self.platform_key.prefix}"

    def __str__(self) -> str:
        return self.get_username()


class PlatformKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer isvp_...`; other bearer keys are left to the next class."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, raw_key = header.partition(" ")
        raw_key = raw_key.strip()
        if scheme != self.keyword or not raw_key.startswith(PLATFORM_KEY_PREFIX):
            return None
        failures = AuthFailureThrottle()
        failures.check(request)
        key = platform_key_authenticate(raw_key)
        if key is None:
            failures.record_failure(request)
            raise exceptions.AuthenticationFailed("Invalid or revoked platform key.")
        return (PlatformKeyUser(key), key)

    def authenticate_header(self, request):
        return self.keyword


class IsStaffOrPlatformKey(permissions.BasePermission):
    message = "Only the platform's staff or a platform key may do this."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, PlatformAPIKey):
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff)


def platform_actor(request) -> Actor:
    """The audit actor: the staff user, or the system acting for a platform key."""
    if isinstance(request.auth, PlatformAPIKey):
        return Actor(ip=request.META.get("REMOTE_ADDR"))
    return Actor.from_request(request)


class PlatformKeyScheme(OpenApiAuthenticationExtension):
    target_class = "provisioning.platform_keys.PlatformKeyAuthentication"
    name = "platformKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A platform key (`isvp_...`) for integrators managing customers.",
        }
