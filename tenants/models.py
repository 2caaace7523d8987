import uuid

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from tenants.audit_labels import audit_action_label


class Tenant(models.Model):
    """One business customer of the vendor; owns every tenant-owned row."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Staff give it when they suspend the tenant; its people read it on every page.
    suspension_reason = models.CharField(max_length=500, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def inactive_reason(self) -> str:
        """Why nothing can be changed or sent, as a clause ("your account is suspended: …")."""
        if self.status == self.Status.SUSPENDED:
            reason = self.suspension_reason.strip().rstrip(".")
            return f"your account is suspended: {reason}" if reason else "your account is suspended"
        if self.status == self.Status.CLOSED:
            return "your account is closed"
        return ""

    @property
    def inactive_message(self) -> str:
        """`inactive_reason` as a sentence, for errors and banners."""
        reason = self.inactive_reason
        return f"{reason[:1].upper()}{reason[1:]}." if reason else ""


class TenantQuerySet(models.QuerySet):
    def for_tenant(self, tenant: Tenant | int) -> "TenantQuerySet":
        tenant_id = tenant.pk if isinstance(tenant, Tenant) else tenant
        if tenant_id is None:
            raise ValueError("for_tenant() needs a tenant")
        return self.filter(tenant_id=tenant_id)


class TenantOwned(models.Model):
    """Base of every tenant-owned model: reach rows through `objects.for_tenant(...)`."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(TenantOwned):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant_id} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role != self.Role.VIEWER

    @property
    def can_manage(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ADMIN)


def validate_e164(value: str) -> None:
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as err:
        raise ValidationError("Enter a phone number in E.164 format, like +14155550123.") from err
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError("This is not a valid phone number.")


class BusinessProfile(TenantOwned):
    """The tenant's legal and business facts, reused by every registration."""

    class BusinessType(models.TextChoices):
        SOLE_PROPRIETORSHIP = "sole_proprietorship", "Sole proprietorship"
        PARTNERSHIP = "partnership", "Partnership"
        LLC = "llc", "Limited liability company"
        CORPORATION = "corporation", "Corporation"
        CO_OPERATIVE = "co_operative", "Co-operative"
        NON_PROFIT = "non_profit", "Non-profit"
        GOVERNMENT = "government", "Government"

    class Verification(models.TextChoices):
        PENDING = "pending", "Pending"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="profile")
    # Every registration names the business by it: a profile never loses it once created.
    legal_name = models.CharField(max_length=200)
    dba_name = models.CharField("DBA name", max_length=200, blank=True)
    website = models.URLField(blank=True)
    business_type = models.CharField(max_length=32, choices=BusinessType.choices, blank=True)
    industry = models.CharField(max_length=64, blank=True)
    registration_number = models.CharField("registration number / EIN", max_length=32, blank=True)
    address_street = models.CharField(max_length=200, blank=True)
    address_street2 = models.CharField(max_length=200, blank=True)
    address_city = models.CharField(max_length=100, blank=True)
    address_region = models.CharField("state / region", max_length=100, blank=True)
    address_postal_code = models.CharField(max_length=20, blank=True)
    address_country = models.CharField(max_length=2, default="US")
    owner_first_name = models.CharField(max_length=100, blank=True)
    owner_last_name = models.CharField(max_length=100, blank=True)
    owner_email = models.EmailField(blank=True)
    owner_phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    contact_email = models.EmailField("business contact email", blank=True)
    contact_phone = models.CharField(
        "business contact phone", max_length=20, blank=True, validators=[validate_e164]
    )
    monthly_volume = models.PositiveIntegerField("monthly message volume", null=True, blank=True)
    use_case = models.TextField(blank=True)
    opt_in_language = models.TextField(blank=True)
    tcpa_compliant = models.BooleanField("TCPA compliant", default=False)
    gdpr_compliant = models.BooleanField("GDPR compliant", default=False)
    verification_status = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.PENDING
    )
    verification_reason = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.legal_name or self.tenant.name


class APIKey(TenantOwned):
    """An integrator's key: shown once at creation, stored as a SHA-256 hash."""

    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Write"

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    hashed_key = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return not self.scopes or scope in self.scopes


class AuditEvent(models.Model):
    """Who changed what, when: written by the services for every state change."""

    class ActorType(models.TextChoices):
        USER = "user", "User"
        API_KEY = "api_key", "API key"
        SYSTEM = "system", "System"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        Tenant, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_type = models.CharField(max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        APIKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action_label} by {self.actor_label or self.get_actor_type_display()}"

    @property
    def action_label(self) -> str:
        return audit_action_label(self.action)
