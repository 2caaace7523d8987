"""State changes of tenants, their people, profiles and API keys. Each writes an audit row."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant

User = get_user_model()
API_KEY_PREFIX = "isv_"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, an API key, or the platform itself."""

    user: AbstractBaseUser | None = None
    api_key: APIKey | None = None
    ip: str | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls()

    @classmethod
    def from_request(cls, request) -> "Actor":
        api_key = getattr(request, "auth", None)
        if not isinstance(api_key, APIKey):
            api_key = None
        user = getattr(request, "user", None)
        if api_key is not None or not isinstance(user, User) or not user.is_authenticated:
            user = None
        return cls(user=user, api_key=api_key, ip=request.META.get("REMOTE_ADDR"))

    @property
    def type(self) -> str:
        if self.api_key is not None:
            return AuditEvent.ActorType.API_KEY
        if self.user is not None:
            return AuditEvent.ActorType.USER
        return AuditEvent.ActorType.SYSTEM

    @property
    def label(self) -> str:
        if self.api_key is not None:
            return f"API key {self.api_key.prefix}"
        if self.user is not None:
            return self.user.get_username()
        return "system"


# Field names that must never be written to the audit log, whatever the model.
SECRET_FIELD_MARKERS = ("token", "secret", "password", "key")


def record_audit(
    *,
    tenant: Tenant | None,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    clean = {
        k: v for k, v in (changes or {}).items() if not any(m in k for m in SECRET_FIELD_MARKERS)
    }
    return AuditEvent.objects.create(
        tenant=tenant,
        actor_type=actor.type,
        actor_user=actor.user,
        actor_api_key=actor.api_key,
        actor_label=actor.label,
        action=action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        changes=clean,
        ip_address=actor.ip,
    )


# --- tenants ----------------------------------------------------------------------------


def tenant_lock(tenant_id: int) -> None:
    """Lock the tenant's row: the first lock of every transaction that locks its rows.

    FOR NO KEY UPDATE serializes the tenant's state changes without blocking the inserts
    that reference the tenant (audit events, messages), which take FOR KEY SHARE on it.
    """
    Tenant.objects.select_for_update(of=("self",), no_key=True).filter(pk=tenant_id).first()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "tenant"
    slug, n = base, 1
    while Tenant.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def tenant_create(
    *,
    name: str,
    owner: AbstractBaseUser | None = None,
    actor: Actor,
    is_demo: bool = False,
    profile: dict[str, Any] | None = None,
    slug: str | None = None,
) -> Tenant:
    """Create a tenant with its business profile and, when given, its owner."""
    with transaction.atomic():
        tenant = Tenant.objects.create(name=name, slug=slug or _unique_slug(name), is_demo=is_demo)
        BusinessProfile.objects.create(tenant=tenant, legal_name=name, **(profile or {}))
        if owner is not None:
            Membership.objects.create(tenant=tenant, user=owner, role=Membership.Role.OWNER)
        record_audit(
            tenant=tenant,
            actor=actor,
            action="tenant.created",
            target=tenant,
            changes={"name": name},
        )
    return tenant


SUSPENSION_REASON_MAX_LENGTH = 500


def tenant_set_status(*, tenant: Tenant, status: str, actor: Actor, reason: str = "") -> Tenant:
    """Move a tenant to `status`. A suspension needs a reason: the tenant's people see it."""
    if status not in Tenant.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if tenant.status == Tenant.Status.CLOSED and status != Tenant.Status.CLOSED:
        raise ValidationError({"status": "A closed tenant can't be reopened."})
    reason = (reason or "").strip()
    if status == Tenant.Status.SUSPENDED and not reason:
        raise ValidationError({"reason": "Say why the tenant is suspended; its people see this."})
    if len(reason) > SUSPENSION_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason under {SUSPENSION_REASON_MAX_LENGTH} characters."}
        )
    with transaction.atomic():
        before = tenant.status
        tenant.status = status
        tenant.suspension_reason = reason if status == Tenant.Status.SUSPENDED else ""
        tenant.save(update_fields=["status", "suspension_reason", "updated_at"])
        changes: dict[str, Any] = {"status": [before, status]}
        if reason:
            changes["reason"] = reason
        record_audit(
            tenant=tenant, actor=actor, action=f"tenant.{status}", target=tenant, changes=changes
        )
    return tenant


# --- business profile -------------------------------------------------------------------

PROFILE_EDITABLE_FIELDS = (
    "legal_name",
    "dba_name",
    "website",
    "business_type",
    "industry",
    "registration_number",
    "address_street",
    "address_street2",
    "address_city",
    "address_region",
    "address_postal_code",
    "address_country",
    "owner_first_name",
    "owner_last_name",
    "owner_email",
    "owner_phone",
    "contact_email",
    "contact_phone",
    "monthly_volume",
    "use_case",
    "opt_in_language",
    "tcpa_compliant",
    "gdpr_compliant",
)


def normalize_e164(value: str) -> str:
    """Return the number in E.164, reading national US numbers too; raise if invalid."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException as err:
        raise ValidationError("Enter a phone number in E.164 format, like +14155550123.") from err
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("This is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _apply_profile_data(
    profile: BusinessProfile, data: dict[str, Any]
) -> tuple[dict[str, list[Any]], dict[str, list[str]]]:
    """Set the allowed fields of `data` on `profile` (unsaved): (changes, errors)."""
    errors: dict[str, list[str]] = {}
    changes: dict[str, list[Any]] = {}
    for name, value in data.items():
        if name not in PROFILE_EDITABLE_FIELDS:
            continue
        if name in ("owner_phone", "contact_phone") and value:
            try:
                value = normalize_e164(str(value))
            except ValidationError as err:
                errors[name] = err.messages
                continue
        if isinstance(value, str):
            # "   " is as blank as "": a required field must not pass as filled.
            value = value.strip()
        if name == "address_country" and isinstance(value, str):
            value = value.upper()
        before = getattr(profile, name)
        if before != value:
            changes[name] = [before, value]
            setattr(profile, name, value)
    try:
        profile.full_clean(exclude=["tenant", "verified_by"])
    except ValidationError as err:
        for field, messages in err.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    return changes, errors


def business_profile_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """What `business_profile_update` would refuse in `data`, on a fresh profile."""
    return _apply_profile_data(BusinessProfile(), data)[1]


def business_profile_update(
    *, profile: BusinessProfile, data: dict[str, Any], actor: Actor
) -> BusinessProfile:
    """Apply the allowed fields of `data`, validate the whole profile, save and audit.

    Raises ValidationError with field names; nothing is saved then.
    """
    with transaction.atomic():
        profile = BusinessProfile.objects.select_for_update().get(pk=profile.pk)
        changes, errors = _apply_profile_data(profile, data)
        if errors:
            raise ValidationError(errors)
        if changes:
            if profile.verification_status != BusinessProfile.Verification.PENDING:
                changes["verification_status"] = [profile.verification_status, "pending"]
                profile.verification_status = BusinessProfile.Verification.PENDING
            profile.save()
            record_audit(
                tenant=profile.tenant,
                actor=actor,
                action="business_profile.updated",
                target=profile,
                changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
            )
    return profile


def business_profile_review(
    *, profile: BusinessProfile, verified: bool, reason: str = "", actor: Actor
) -> BusinessProfile:
    """Staff verify or reject a business profile; a rejection needs a reason."""
    if not verified and not reason.strip():
        raise ValidationError({"reason": "Say why the profile is rejected."})
    status = (
        BusinessProfile.Verification.VERIFIED if verified else BusinessProfile.Verification.REJECTED
    )
    with transaction.atomic():
        profile.verification_status = status
        profile.verification_reason = reason.strip()
        profile.verified_by = actor.user
        profile.verified_at = timezone.now()
        profile.save(
            update_fields=[
                "verification_status",
                "verification_reason",
                "verified_by",
                "verified_at",
                "updated_at",
            ]
        )
        record_audit(
            tenant=profile.tenant,
            actor=actor,
            action=f"business_profile.{status}",
            target=profile,
            changes={"reason": reason.strip()} if reason else {},
        )
    return profile


# --- members ----------------------------------------------------------------------------


def member_invite(*, tenant: Tenant, email: str, role: str, actor: Actor) -> Membership:
    """Add a person to the tenant, creating their user (no usable password) if new."""
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Choose one of {', '.join(Membership.Role.values)}."})
    email = User.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User(username=email, email=email)
            user.set_unusable_password()
            user.save()
        try:
            with transaction.atomic():
                membership = Membership.objects.create(tenant=tenant, user=user, role=role)
        except IntegrityError as err:
            raise ValidationError({"email": "This person is already a member."}) from err
        record_audit(
            tenant=tenant,
            actor=actor,
            action="member.invited",
            target=membership,
            changes={"email": email, "role": role},
        )
    return membership


def _ensure_an_owner_remains(membership: Membership, field: str) -> None:
    if membership.role != Membership.Role.OWNER:
        return
    owners = Membership.objects.for_tenant(membership.tenant_id).filter(role=Membership.Role.OWNER)
    if owners.exclude(pk=membership.pk).count() == 0:
        raise ValidationError({field: "A tenant must keep at least one owner."})


def member_change_role(*, membership: Membership, role: str, actor: Actor) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError({"role": f"Choose one of {', '.join(Membership.Role.values)}."})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if role != Membership.Role.OWNER:
            _ensure_an_owner_remains(membership, "role")
        before = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        record_audit(
            tenant=membership.tenant,
            actor=actor,
            action="member.role_changed",
            target=membership,
            changes={"role": [before, role]},
        )
    return membership


def member_remove(*, membership: Membership, actor: Actor) -> None:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _ensure_an_owner_remains(membership, "member")
        record_audit(
            tenant=membership.tenant,
            actor=actor,
            action="member.removed",
            target=membership,
            changes={"user": membership.user.get_username()},
        )
        membership.delete()


# --- API keys ---------------------------------------------------------------------------


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_create(
    *, tenant: Tenant, name: str, scopes: list[str] | None = None, actor: Actor
) -> tuple[APIKey, str]:
    """Create a key and return it with its plaintext, which is never stored or shown again."""
    scopes = list(scopes or [])
    unknown = [s for s in scopes if s not in APIKey.Scope.values]
    if unknown:
        raise ValidationError({"scopes": f"Unknown scope(s): {', '.join(unknown)}."})
    if not name.strip():
        raise ValidationError({"name": "Give the key a name."})
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        api_key = APIKey.objects.create(
            tenant=tenant,
            name=name.strip(),
            prefix=prefix,
            hashed_key=hash_api_key(raw_key),
            scopes=scopes,
            created_by=actor.user,
        )
        record_audit(
            tenant=tenant,
            actor=actor,
            action="api_key.created",
            target=api_key,
            changes={"name": api_key.name, "scopes": scopes},
        )
    return api_key, raw_key


def api_key_revoke(*, api_key: APIKey, actor: Actor) -> APIKey:
    with transaction.atomic():
        if api_key.revoked_at is None:
            api_key.revoked_at = timezone.now()
            api_key.save(update_fields=["revoked_at"])
            record_audit(
                tenant=api_key.tenant, actor=actor, action="api_key.revoked", target=api_key
            )
    return api_key


def api_key_authenticate(raw_key: str) -> APIKey | None:
    """Return the active key matching `raw_key`, marking its use, or None."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    api_key = (
        APIKey.objects.select_related("tenant")
        .filter(hashed_key=hash_api_key(raw_key), revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        APIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
