"""REST API serializers of provisioning. Writable fields are explicit allowlists; no serializer
has an auth token among its fields, so no response can carry one."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from isvplatform.api.serializers import AllowlistModelSerializer, E164Field, column_length
from isvplatform.gateway.errors import ERROR_DOCS_URL
from provisioning.accounts import sending_mode
from provisioning.models import NumberType, PhoneNumber, PooledNumber, TwilioSubaccount
from provisioning.selectors import ONBOARDING_STATES
from tenants.models import BusinessProfile, Tenant
from tenants.services import PROFILE_EDITABLE_FIELDS

EMAIL_MAX_LENGTH = 150


class TwilioErrorSerializer(serializers.Serializer):
    code = serializers.IntegerField(allow_null=True, help_text="Twilio's error code.")
    message = serializers.CharField()
    more_info = serializers.URLField(allow_null=True)


class SendingModeSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["subaccount", "master", "blocked"],
        help_text="`subaccount`: the tenant's own account; `master`: the platform's account "
        "(TWILIO_MASTER_FALLBACK); `blocked`: sending is refused.",
    )
    message = serializers.CharField()


class CapabilitiesSerializer(serializers.Serializer):
    sms = serializers.BooleanField()
    mms = serializers.BooleanField()
    voice = serializers.BooleanField()
    whatsapp = serializers.BooleanField(required=False)


# --- subaccount ---------------------------------------------------------------------------


class SubaccountSerializer(AllowlistModelSerializer):
    """The tenant's Twilio subaccount. Its auth token is never part of any response."""

    last_error = serializers.SerializerMethodField()
    number_limit = serializers.SerializerMethodField(
        help_text="How many active numbers the tenant may hold."
    )
    active_numbers = serializers.SerializerMethodField()
    origin = serializers.ChoiceField(
        choices=TwilioSubaccount.Origin.choices,
        read_only=True,
        help_text="`platform`: a subaccount the platform created; `connected`: the tenant's "
        "own Twilio account.",
    )
    billing_mode = serializers.ChoiceField(
        choices=TwilioSubaccount.BillingMode.choices,
        read_only=True,
        help_text="What the platform bills: on its own account the tenant pays Twilio itself.",
    )

    class Meta:
        model = TwilioSubaccount
        fields = [
            "id",
            "sid",
            "friendly_name",
            "status",
            "status_reason",
            "last_error",
            "attempts",
            "number_limit",
            "active_numbers",
            "created_at",
            "activated_at",
            "closed_at",
            "close_scheduled_at",
            "token_rotated_at",
            "origin",
            "billing_mode",
        ]
        writable_fields = []

    @extend_schema_field(TwilioErrorSerializer(allow_null=True))
    def get_last_error(self, sub: TwilioSubaccount) -> dict | None:
        if not sub.last_error_message and sub.last_error_code is None:
            return None
        code = sub.last_error_code
        return {
            "code": code,
            "message": sub.last_error_message,
            "more_info": ERROR_DOCS_URL.format(code=code) if code is not None else None,
        }

    def get_number_limit(self, sub: TwilioSubaccount) -> int:
        return sub.effective_number_limit

    def get_active_numbers(self, sub: TwilioSubaccount) -> int:
        return sub.numbers.filter(status=PhoneNumber.Status.ACTIVE).count()


class TenantSubaccountSerializer(serializers.Serializer):
    """What a tenant sees: its subaccount (if any) and how its messages go out."""

    subaccount = SubaccountSerializer(allow_null=True)
    sending = SendingModeSerializer()

    @classmethod
    def build(cls, tenant: Tenant, sub: TwilioSubaccount | None) -> dict:
        mode = sending_mode(tenant)
        return cls(
            {"subaccount": sub, "sending": {"mode": mode.mode, "message": mode.message}}
        ).data


class TwilioAccountConnectSerializer(serializers.Serializer):
    """The tenant's own Twilio account credentials (write-only: never part of an answer)."""

    twilio_account_sid = serializers.CharField(
        max_length=34, help_text="The account's SID: AC followed by 32 hex digits."
    )
    twilio_auth_token = serializers.CharField(
        max_length=64,
        write_only=True,
        help_text="The account's auth token: checked with Twilio, stored encrypted, never "
        "shown again. Always needed: Twilio signs the account's callbacks with it.",
    )
    twilio_api_key_sid = serializers.CharField(
        max_length=34,
        required=False,
        allow_blank=True,
        help_text="Optional: a standard API key of the account (SK…); REST calls then sign with "
        "it instead of the auth token.",
    )
    twilio_api_key_secret = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="The API key's secret: checked with Twilio, stored encrypted, never shown again.",
    )


class TwilioAccountSerializer(serializers.Serializer):
    """Whether the tenant's own Twilio account is connected, and that account (no token)."""

    connected = serializers.BooleanField()
    account = SubaccountSerializer(allow_null=True)

    @classmethod
    def build(cls, sub: TwilioSubaccount | None) -> dict:
        connected = sub is not None and sub.status != TwilioSubaccount.Status.CLOSED
        return cls({"connected": connected, "account": sub}).data


class StaffSubaccountSerializer(SubaccountSerializer):
    """A subaccount as staff see it (the API key's SID, never its secret); only the number
    limit override is writable."""

    tenant_name = serializers.CharField(source="tenant.name", read_only=True)
    number_limit_override = serializers.IntegerField(
        source="number_limit",
        allow_null=True,
        required=False,
        min_value=0,
        max_value=10_000,
        help_text="Overrides NUMBER_LIMIT_PER_TENANT for this tenant (null: the platform's).",
    )

    class Meta(SubaccountSerializer.Meta):
        fields = [
            *SubaccountSerializer.Meta.fields,
            "tenant",
            "tenant_name",
            "number_limit_override",
            "suspension_source",
            "api_key_sid",
            "api_key_created_at",
            "last_reconciled_at",
            "updated_at",
        ]
        writable_fields = ["number_limit_override"]


class SuspendSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=column_length(TwilioSubaccount, "status_reason"),
        required=False,
        allow_blank=True,
    )


class CloseSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        help_text="Must be true: closing releases every number and can't be undone."
    )

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Closing is irreversible; send confirm=true.")
        return value


class ReconcileRecordSerializer(serializers.Serializer):
    kind = serializers.CharField()
    detail = serializers.CharField()
    changes = serializers.DictField()
    created_at = serializers.DateTimeField()


# --- onboarding ---------------------------------------------------------------------------


class OnboardingStepSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["profile", "subaccount", "number", "10dlc"])
    label = serializers.CharField()
    state = serializers.ChoiceField(choices=ONBOARDING_STATES)
    detail = serializers.CharField()
    url = serializers.CharField(allow_blank=True)


class OnboardingSerializer(serializers.Serializer):
    steps = OnboardingStepSerializer(many=True)
    sending = SendingModeSerializer()


# --- numbers ------------------------------------------------------------------------------


class PhoneNumberSerializer(AllowlistModelSerializer):
    capabilities = serializers.SerializerMethodField()
    messaging_service_sid = serializers.CharField(
        source="messaging_service.sid", allow_null=True, default=None, read_only=True
    )
    phone_number = E164Field()

    class Meta:
        model = PhoneNumber
        fields = [
            "id",
            "phone_number",
            "sid",
            "friendly_name",
            "iso_country",
            "number_type",
            "capabilities",
            "is_primary",
            "status",
            "origin",
            "monthly_price",
            "sms_url",
            "status_callback",
            "messaging_service_sid",
            "purchased_at",
            "released_at",
        ]
        writable_fields = []

    @extend_schema_field(CapabilitiesSerializer)
    def get_capabilities(self, number: PhoneNumber) -> dict:
        return {
            "sms": number.sms_enabled,
            "mms": number.mms_enabled,
            "voice": number.voice_enabled,
            "whatsapp": number.whatsapp_enabled,
        }


class NumberSearchSerializer(serializers.Serializer):
    """Query parameters of the number search."""

    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, default="US")
    type = serializers.ChoiceField(choices=NumberType.choices, required=False, default="local")
    area_code = serializers.RegexField(r"^\d{3}$", required=False)
    contains = serializers.RegexField(r"^[0-9A-Za-z*]{2,16}$", required=False)
    region = serializers.RegexField(r"^[A-Za-z]{2}$", required=False)
    postal_code = serializers.RegexField(
        r"^[0-9A-Za-z][0-9A-Za-z -]{1,8}[0-9A-Za-z]$", required=False
    )
    sms = serializers.BooleanField(required=False, allow_null=True, default=None)
    mms = serializers.BooleanField(required=False, allow_null=True, default=None)
    voice = serializers.BooleanField(required=False, allow_null=True, default=None)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)


class NumberOfferSerializer(serializers.Serializer):
    phone_number = serializers.CharField()
    friendly_name = serializers.CharField()
    locality = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    postal_code = serializers.CharField(allow_null=True)
    iso_country = serializers.CharField()
    number_type = serializers.ChoiceField(choices=NumberType.choices)
    capabilities = CapabilitiesSerializer(source="*")
    monthly_price = serializers.DecimalField(max_digits=8, decimal_places=2)
    currency = serializers.CharField()


class NumberBuySerializer(serializers.Serializer):
    phone_number = serializers.CharField(
        max_length=32, required=False, help_text="The number to buy (E.164), from a search."
    )
    area_code = serializers.RegexField(
        r"^\d{3}$", required=False, help_text="Or: any number in this area code (US/CA)."
    )
    friendly_name = serializers.CharField(
        max_length=column_length(PhoneNumber, "friendly_name"), required=False, allow_blank=True
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("phone_number")) == bool(attrs.get("area_code")):
            raise serializers.ValidationError(
                {"phone_number": "Give exactly one of phone_number and area_code."}
            )
        return attrs


# --- customers ----------------------------------------------------------------------------


class ProfileInputSerializer(serializers.Serializer):
    """Business profile essentials given at sign-up (all optional; validated by the service)."""

    def get_fields(self):
        return {
            name: serializers.CharField(
                max_length=column_length(BusinessProfile, name, 4096),
                required=False,
                allow_blank=True,
            )
            if name not in ("monthly_volume", "tcpa_compliant", "gdpr_compliant")
            else (
                serializers.IntegerField(required=False, min_value=0, max_value=2_147_483_647)
                if name == "monthly_volume"
                else serializers.BooleanField(required=False)
            )
            for name in PROFILE_EDITABLE_FIELDS
        }


class CustomerCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=EMAIL_MAX_LENGTH, help_text="The owner's email.")
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    business_name = serializers.CharField(max_length=column_length(Tenant, "name"))
    password = serializers.CharField(
        max_length=128,
        required=False,
        write_only=True,
        style={"input_type": "password"},
        help_text="Leave out to email the owner a link to set one.",
    )
    profile = ProfileInputSerializer(required=False)
    area_code = serializers.RegexField(
        r"^\d{3}$",
        required=False,
        allow_blank=True,
        help_text="Buy the first number in this area code as soon as the subaccount is active.",
    )
    stripe_customer_id = serializers.RegexField(
        r"^cus_[A-Za-z0-9]+$", max_length=64, required=False, allow_blank=True
    )
    create_api_key = serializers.BooleanField(
        default=True, help_text="Answer with a tenant API key (shown once) for the next calls."
    )


class CustomerSerializer(serializers.ModelSerializer):
    owner_email = serializers.SerializerMethodField()
    subaccount = serializers.SerializerMethodField()
    stripe_customer_id = serializers.SerializerMethodField()

    class Meta:
        model = Tenant
        fields = [
            "id",
            "name",
            "slug",
            "status",
            "created_at",
            "owner_email",
            "subaccount",
            "stripe_customer_id",
        ]
        read_only_fields = fields

    def _details(self, tenant: Tenant):
        return self.context["details"].get(tenant.pk)

    def get_owner_email(self, tenant: Tenant) -> str | None:
        details = self._details(tenant)
        return details.owner_email if details else None

    @extend_schema_field(SubaccountSerializer(allow_null=True))
    def get_subaccount(self, tenant: Tenant) -> dict | None:
        details = self._details(tenant)
        sub = details.subaccount if details else None
        return SubaccountSerializer(sub).data if sub else None

    def get_stripe_customer_id(self, tenant: Tenant) -> str | None:
        details = self._details(tenant)
        return details.stripe_customer_id if details else None


class CustomerCreatedSerializer(CustomerSerializer):
    api_key = serializers.SerializerMethodField(
        help_text="A tenant API key, shown only in this response (null if not asked for)."
    )

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "api_key"]
        read_only_fields = fields

    def get_api_key(self, tenant: Tenant) -> str | None:
        return self.context.get("api_key")


# --- pool ---------------------------------------------------------------------------------


class PooledNumberSerializer(AllowlistModelSerializer):
    capabilities = serializers.SerializerMethodField()
    phone_number = E164Field()

    class Meta:
        model = PooledNumber
        fields = [
            "id",
            "phone_number",
            "sid",
            "friendly_name",
            "iso_country",
            "number_type",
            "capabilities",
            "monthly_price",
            "status",
            "allocated_tenant",
            "allocated_at",
            "purchased_at",
            "released_at",
        ]
        writable_fields = []

    @extend_schema_field(CapabilitiesSerializer)
    def get_capabilities(self, number: PooledNumber) -> dict:
        return {
            "sms": number.sms_enabled,
            "mms": number.mms_enabled,
            "voice": number.voice_enabled,
        }


class PoolBuySerializer(NumberBuySerializer):
    pass


class PoolAllocateSerializer(serializers.Serializer):
    tenant = serializers.IntegerField(min_value=1, help_text="The id of the tenant to receive it.")
