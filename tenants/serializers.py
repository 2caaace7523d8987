"""REST API serializers of tenants: explicit writable allowlists; every write calls a service."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from isvplatform.api.serializers import AllowlistModelSerializer, column_length
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant
from tenants.services import (
    PROFILE_EDITABLE_FIELDS,
    SUSPENSION_REASON_MAX_LENGTH,
    api_key_create,
    business_profile_update,
    member_change_role,
    member_invite,
    tenant_create,
)

# Usernames are emails, and Django's username column holds 150 characters.
EMAIL_MAX_LENGTH = 150
PHONE_INPUT_MAX_LENGTH = 32
# The largest value a PositiveIntegerField holds on every database we support.
MAX_MONTHLY_VOLUME = 2_147_483_647
# Twilio takes at most 4096 characters for a campaign's descriptions.
LONG_TEXT_MAX_LENGTH = 4096


def _phone_field(label: str) -> serializers.CharField:
    """Phones are read in any common notation; the service validates and stores E.164."""
    return serializers.CharField(
        label=label, max_length=PHONE_INPUT_MAX_LENGTH, allow_blank=True, required=False
    )


def _view(serializer: serializers.BaseSerializer):
    return serializer.context["view"]


# --- current tenant ---------------------------------------------------------------------


class CurrentTenantSerializer(AllowlistModelSerializer):
    """The tenant a request acts for."""

    role = serializers.SerializerMethodField(help_text="Your role in this tenant.")

    class Meta:
        model = Tenant
        fields = [
            "id",
            "name",
            "slug",
            "status",
            "suspension_reason",
            "is_demo",
            "created_at",
            "role",
        ]
        writable_fields = []

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Role.choices))
    def get_role(self, tenant: Tenant) -> str:
        return self.context["role"]


# --- business profile -------------------------------------------------------------------


class BusinessProfileSerializer(AllowlistModelSerializer):
    """The tenant's legal and business facts, and where their review stands."""

    owner_phone = _phone_field("owner phone")
    contact_phone = _phone_field("business contact phone")

    class Meta:
        model = BusinessProfile
        fields = [
            *PROFILE_EDITABLE_FIELDS,
            "verification_status",
            "verification_reason",
            "verified_at",
            "updated_at",
        ]
        writable_fields = PROFILE_EDITABLE_FIELDS
        extra_kwargs = {
            "legal_name": {"required": True, "allow_blank": False},
            "monthly_volume": {"max_value": MAX_MONTHLY_VOLUME},
            "use_case": {"max_length": LONG_TEXT_MAX_LENGTH},
            "opt_in_language": {"max_length": LONG_TEXT_MAX_LENGTH},
        }

    def update(self, instance: BusinessProfile, validated_data: dict) -> BusinessProfile:
        return business_profile_update(
            profile=instance, data=validated_data, actor=_view(self).actor
        )


class ProfileBasicsSerializer(AllowlistModelSerializer):
    """The profile facts staff may give when they create a tenant."""

    contact_phone = _phone_field("business contact phone")

    class Meta:
        model = BusinessProfile
        fields = [
            "legal_name",
            "dba_name",
            "website",
            "business_type",
            "industry",
            "contact_email",
            "contact_phone",
            "address_country",
        ]
        writable_fields = fields
        # Left out, the legal name is the tenant's name; given, it can't be blank.
        extra_kwargs = {"legal_name": {"required": False}}


# --- members ----------------------------------------------------------------------------


class MembershipSerializer(AllowlistModelSerializer):
    """A person of the tenant and their role."""

    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "name", "role", "created_at"]
        writable_fields = ["role"]

    def update(self, instance: Membership, validated_data: dict) -> Membership:
        if "role" not in validated_data:
            return instance
        return member_change_role(
            membership=instance, role=validated_data["role"], actor=_view(self).actor
        )


class MemberInviteSerializer(serializers.Serializer):
    """The person to add, by email, and their role."""

    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.MEMBER)

    def create(self, validated_data: dict) -> Membership:
        view = _view(self)
        return member_invite(
            tenant=view.tenant,
            email=validated_data["email"],
            role=validated_data["role"],
            actor=view.actor,
        )


# --- API keys ---------------------------------------------------------------------------


class APIKeySerializer(AllowlistModelSerializer):
    """An API key as listed: its prefix identifies it; the key itself is never shown."""

    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APIKey.Scope.choices), read_only=True
    )
    is_active = serializers.BooleanField(read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)

    class Meta:
        model = APIKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "is_active",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        writable_fields = []


class CreatedAPIKeySerializer(APIKeySerializer):
    """A new API key, with the key itself: the only time it is shown."""

    key = serializers.SerializerMethodField(
        help_text="The key itself. Shown only in this response: store it now."
    )

    class Meta(APIKeySerializer.Meta):
        fields = [*APIKeySerializer.Meta.fields, "key"]

    def get_key(self, api_key: APIKey) -> str:
        return self.context["raw_key"]


class APIKeyCreateSerializer(serializers.Serializer):
    """A new API key's name and scopes."""

    name = serializers.CharField(max_length=column_length(APIKey, "name"))
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=APIKey.Scope.choices),
        allow_empty=False,
        max_length=len(APIKey.Scope.values),
        default=lambda: list(APIKey.Scope.values),
        help_text="What the key may do: `read`, `write` or both (the default).",
    )

    def create(self, validated_data: dict) -> APIKey:
        view = _view(self)
        api_key, raw_key = api_key_create(
            tenant=view.tenant,
            name=validated_data["name"],
            scopes=sorted(set(validated_data["scopes"])),
            actor=view.actor,
        )
        self.raw_key = raw_key
        return api_key


# --- staff ------------------------------------------------------------------------------


class StaffTenantSerializer(AllowlistModelSerializer):
    """A tenant as staff see it."""

    verification_status = serializers.ChoiceField(
        source="profile.verification_status",
        choices=BusinessProfile.Verification.choices,
        read_only=True,
        allow_null=True,
    )

    class Meta:
        model = Tenant
        fields = [
            "id",
            "name",
            "slug",
            "status",
            "suspension_reason",
            "is_demo",
            "created_at",
            "verification_status",
        ]
        writable_fields = []


class StaffTenantSuspendSerializer(serializers.Serializer):
    """Why staff suspend the tenant: its people and API callers see this."""

    reason = serializers.CharField(max_length=SUSPENSION_REASON_MAX_LENGTH)


class StaffTenantCreateSerializer(serializers.Serializer):
    """A new tenant, its owner (invited by email) and, optionally, its first profile facts."""

    name = serializers.CharField(max_length=column_length(Tenant, "name"))
    owner_email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH)
    is_demo = serializers.BooleanField(default=False)
    profile = ProfileBasicsSerializer(required=False)

    def create(self, validated_data: dict) -> Tenant:
        actor = _view(self).actor
        with transaction.atomic():
            tenant = tenant_create(
                name=validated_data["name"], actor=actor, is_demo=validated_data["is_demo"]
            )
            member_invite(
                tenant=tenant,
                email=validated_data["owner_email"],
                role=Membership.Role.OWNER,
                actor=actor,
            )
            profile = validated_data.get("profile")
            if profile:
                try:
                    business_profile_update(profile=tenant.profile, data=profile, actor=actor)
                except DjangoValidationError as err:
                    raise serializers.ValidationError({"profile": err.message_dict}) from err
        return Tenant.objects.select_related("profile").get(pk=tenant.pk)


# --- audit log --------------------------------------------------------------------------


class AuditEventSerializer(AllowlistModelSerializer):
    """One change in the tenant: who, what (a stable code and its sentence), on what."""

    actor = serializers.CharField(source="actor_label", read_only=True)
    action_label = serializers.CharField(read_only=True, help_text="The event as a sentence.")

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "created_at",
            "actor_type",
            "actor",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "changes",
            "ip_address",
        ]
        writable_fields = []


class AuditEventFilterSerializer(serializers.Serializer):
    """The audit log's filters; every one is optional."""

    actor = serializers.CharField(required=False, max_length=200, help_text="Who, exactly.")
    action = serializers.CharField(
        required=False, max_length=100, help_text="An event code, like `member.invited`."
    )
    date_from = serializers.DateField(required=False, help_text="From this day (inclusive).")
    date_to = serializers.DateField(required=False, help_text="To this day (inclusive).")
    q = serializers.CharField(
        required=False, max_length=200, help_text="Search who, the target and the event."
    )
