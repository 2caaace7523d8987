"""API shapes of 10DLC registration. Input serializers only check types: the pre-flight
rules (compliance/validation.py) decide what is valid and name the field to fix."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from compliance import vocab
from compliance.models import Registration, StatusTransition, TollFreeVerification
from compliance.selectors import FIELD_LABELS, FORM_TO_PROFILE
from compliance.timeline import tollfree_timeline
from compliance.validation import BOOL_FIELDS, FORM_FIELDS, LIST_FIELDS, RULES
from compliance.validation import tollfree as tollfree_rules
from isvplatform.api.serializers import column_length
from tenants.models import BusinessProfile

# Twilio takes at most this many characters in a campaign's texts.
TEXT_MAX_LENGTH = 4096
_REGISTRATION_COLUMNS = {f.name for f in Registration._meta.concrete_fields}


def form_field_length(name: str) -> int:
    """The longest value of a form field: its column's length where it is stored in one (the
    business profile's, or the registration's), else what Twilio takes."""
    if name in FORM_TO_PROFILE:
        return column_length(BusinessProfile, FORM_TO_PROFILE[name], TEXT_MAX_LENGTH)
    if name in _REGISTRATION_COLUMNS:
        return column_length(Registration, name, TEXT_MAX_LENGTH)
    return TEXT_MAX_LENGTH


def _form_field(name: str) -> serializers.Field:
    label = FIELD_LABELS.get(name, name)
    if name in LIST_FIELDS:
        return serializers.ListField(
            child=serializers.CharField(allow_blank=True, max_length=1024),
            required=False,
            max_length=10,
            help_text=label,
        )
    if name in BOOL_FIELDS:
        return serializers.BooleanField(required=False, help_text=label)
    return serializers.CharField(
        required=False, allow_blank=True, max_length=form_field_length(name), help_text=label
    )


class RegistrationFormSerializer(serializers.Serializer):
    """The 10DLC form: business facts (saved to the business profile), brand and campaign."""

    def get_fields(self):
        return {name: _form_field(name) for name in FORM_FIELDS}


class SubmitSerializer(RegistrationFormSerializer):
    def get_fields(self):
        fields = super().get_fields()
        fields["draft"] = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Save as a draft without checking or submitting it.",
        )
        return fields


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    current = serializers.JSONField()
    approved = serializers.JSONField()
    changed = serializers.BooleanField()


class FormChoicesSerializer(serializers.Serializer):
    business_type = ChoiceSerializer(many=True)
    company_type = ChoiceSerializer(many=True)
    brand_type = ChoiceSerializer(many=True)
    industry = ChoiceSerializer(many=True)
    use_case = ChoiceSerializer(many=True)
    rep_job_position = ChoiceSerializer(many=True)
    regions_of_operation = ChoiceSerializer(many=True)
    stock_exchange = ChoiceSerializer(many=True)


class FormResponseSerializer(serializers.Serializer):
    data = RegistrationFormSerializer(help_text="The form pre-filled from the business profile.")
    choices = FormChoicesSerializer()
    use_cases_by_brand_type = serializers.DictField(child=serializers.ListField())
    rules = serializers.ListField(child=serializers.CharField())
    current_vs_approved = FieldChangeSerializer(many=True)


def _choices(pairs) -> list[dict]:
    return [{"value": value, "label": label} for value, label in pairs]


def form_choices() -> dict:
    return {
        "business_type": _choices(BusinessProfile.BusinessType.choices),
        "company_type": _choices(vocab.CompanyType.choices),
        "brand_type": _choices(vocab.BrandType.choices),
        "industry": _choices((i, i.replace("_", " ").title()) for i in vocab.INDUSTRIES),
        "use_case": _choices(vocab.USE_CASES.items()),
        "rep_job_position": _choices((p, p) for p in vocab.JOB_POSITIONS),
        "regions_of_operation": _choices(
            (r, r.replace("_", " ").title()) for r in vocab.REGIONS_OF_OPERATION
        ),
        "stock_exchange": _choices((s, s) for s in vocab.STOCK_EXCHANGES),
    }


def form_response(data: dict, changes) -> dict:
    return {
        "data": data,
        "choices": form_choices(),
        "use_cases_by_brand_type": {
            str(k): list(v) for k, v in vocab.USE_CASES_BY_BRAND_TYPE.items()
        },
        "rules": list(RULES),
        "current_vs_approved": [
            {
                "name": c.name,
                "label": c.label,
                "current": c.current,
                "approved": c.approved,
                "changed": c.changed,
            }
            for c in changes
        ],
    }


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusTransition
        fields = ["object_type", "sid", "from_status", "to_status", "raw_status", "reason", "at"]


class ReasonSerializer(serializers.Serializer):
    code = serializers.IntegerField(allow_null=True, required=False)
    field = serializers.CharField(allow_blank=True, required=False)
    message = serializers.CharField()


class TimelineStepSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField()
    status = serializers.CharField(
        help_text="draft, submitted, in_review, approved, rejected or pending (not started)."
    )
    status_label = serializers.CharField()
    raw_status = serializers.CharField(help_text="Twilio's own status value.")
    sid = serializers.CharField(help_text="The Twilio SID, once created.")
    reasons = ReasonSerializer(many=True)
    next_action = serializers.CharField()
    details = serializers.DictField()
    transitions = TransitionSerializer(many=True)


class OwnerOtpSerializer(serializers.Serializer):
    mobile = serializers.CharField(help_text="The mobile number Twilio texted.")
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when a YES reply counts (24 hours from the text)."
    )
    resend_requested = serializers.BooleanField(
        help_text="A new text was asked for and is being sent."
    )
    instructions = serializers.CharField()


class RegistrationSerializer(serializers.ModelSerializer):
    """One version: the snapshot as submitted and where each of its steps stands."""

    timeline = serializers.SerializerMethodField()
    owner_otp = serializers.SerializerMethodField(
        help_text="Set while a sole proprietor's brand waits for the owner to reply YES to "
        "Twilio's verification text; null otherwise."
    )
    status = serializers.CharField(
        read_only=True,
        help_text="draft, submitted, in_review, approved, rejected or superseded.",
    )
    step = serializers.CharField(
        read_only=True,
        help_text="The step in progress: customer_profile, trust_product, brand, "
        "messaging_service, campaign or done.",
    )
    brand_type = serializers.CharField(
        read_only=True, help_text="STANDARD, LOW_VOLUME_STANDARD or SOLE_PROPRIETOR."
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "version",
            "status",
            "step",
            "is_active",
            "brand_type",
            "use_case",
            "messaging_service_sid",
            "rejection_reason",
            "last_error_code",
            "last_error_message",
            "snapshot",
            "timeline",
            "owner_otp",
            "created_at",
            "submitted_at",
            "approved_at",
            "rejected_at",
            "superseded_at",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, obj: Registration) -> list[dict]:
        from compliance.timeline import timeline

        steps = [step.__dict__ for step in timeline(obj)]
        return TimelineStepSerializer(steps, many=True).data

    @extend_schema_field(OwnerOtpSerializer(allow_null=True))
    def get_owner_otp(self, obj: Registration) -> dict | None:
        from compliance.timeline import owner_otp

        found = owner_otp(obj)
        return OwnerOtpSerializer(found.__dict__).data if found is not None else None


class RegistrationSummarySerializer(serializers.ModelSerializer):
    status = serializers.CharField(
        read_only=True,
        help_text="draft, submitted, in_review, approved, rejected or superseded.",
    )
    step = serializers.CharField(
        read_only=True,
        help_text="The step in progress: customer_profile, trust_product, brand, "
        "messaging_service, campaign or done.",
    )
    brand_type = serializers.CharField(
        read_only=True, help_text="STANDARD, LOW_VOLUME_STANDARD or SOLE_PROPRIETOR."
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "version",
            "status",
            "step",
            "is_active",
            "brand_type",
            "use_case",
            "rejection_reason",
            "created_at",
            "submitted_at",
            "approved_at",
            "rejected_at",
            "superseded_at",
        ]
        read_only_fields = fields


class StatusSerializer(serializers.Serializer):
    can_send = serializers.BooleanField(
        help_text="True when an approved version is active: US SMS from local numbers may go out."
    )
    headline = serializers.CharField()
    active = RegistrationSerializer(allow_null=True)
    current = RegistrationSerializer(allow_null=True, help_text="The version in progress.")
    latest = RegistrationSummarySerializer(allow_null=True)
    current_vs_approved = FieldChangeSerializer(many=True)


def _list(max_items: int, max_length: int, label: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=max_length),
        required=False,
        max_length=max_items,
        help_text=label,
    )


class TollFreeFormSerializer(serializers.Serializer):
    """The toll-free form: the use case, opt-in proof and sample (the business facts are the
    business profile's). Types only; the pre-flight rules decide what is valid."""

    notification_email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    use_case_categories = _list(
        14, 64, f"One or more of: {', '.join(tollfree_rules.USE_CASE_CATEGORIES)}."
    )
    use_case_summary = serializers.CharField(required=False, allow_blank=True, max_length=4096)
    production_message_sample = serializers.CharField(
        required=False, allow_blank=True, max_length=1024
    )
    opt_in_type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text=f"One of: {', '.join(tollfree_rules.OPT_IN_TYPES)}.",
    )
    opt_in_image_urls = _list(5, 1024, "Public URLs showing how recipients opt in.")
    message_volume = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text=f"Monthly messages: {', '.join(tollfree_rules.MESSAGE_VOLUMES)}.",
    )
    opt_in_keywords = _list(10, 30, "Keywords recipients text to opt in.")
    opt_in_confirmation_message = serializers.CharField(
        required=False, allow_blank=True, max_length=1024
    )
    help_message_sample = serializers.CharField(required=False, allow_blank=True, max_length=1024)
    privacy_policy_url = serializers.CharField(required=False, allow_blank=True, max_length=1024)
    terms_url = serializers.CharField(required=False, allow_blank=True, max_length=1024)
    age_gated_content = serializers.BooleanField(required=False)
    additional_information = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=4096,
        help_text="Anything else the reviewer should know (a verbal opt-in's script).",
    )


class TollFreeSubmitSerializer(TollFreeFormSerializer):
    phone_number_id = serializers.UUIDField(help_text="One of the tenant's toll-free numbers.")


class TollFreeResubmitSerializer(TollFreeFormSerializer):
    edit_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="What was fixed."
    )


class TollFreeVerificationSerializer(serializers.ModelSerializer):
    """One version of a number's verification: what was submitted and where Twilio's review
    stands, with the same timeline as a 10DLC version."""

    phone_number = serializers.CharField(source="phone_number.phone_number", read_only=True)
    phone_number_id = serializers.UUIDField(read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="draft, submitted, in_review, approved or rejected."
    )
    raw_status = serializers.CharField(
        read_only=True,
        help_text="Twilio's status: PENDING_REVIEW, IN_REVIEW, TWILIO_APPROVED or TWILIO_REJECTED.",
    )
    reasons = ReasonSerializer(source="errors", many=True, read_only=True)
    can_edit = serializers.BooleanField(
        read_only=True, help_text="Whether a resubmission is an edit inside Twilio's window."
    )
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = TollFreeVerification
        fields = [
            "id",
            "phone_number",
            "phone_number_id",
            "version",
            "sid",
            "status",
            "raw_status",
            "reasons",
            "failure_reason",
            "edit_allowed",
            "edit_expiration",
            "can_edit",
            "snapshot",
            "timeline",
            "created_at",
            "submitted_at",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, obj: TollFreeVerification) -> list[dict]:
        steps = [step.__dict__ for step in tollfree_timeline(obj)]
        return TimelineStepSerializer(steps, many=True).data
