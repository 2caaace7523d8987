"""API shapes of the email channel: inputs check shape and length (the services check the
rules and name the fields), outputs say what is stored, and never a secret."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.rendering import MAX_VALUE_LENGTH as MAX_VARIABLE_VALUE
from emails.models import EmailIdentity, EmailTemplate, EspCredentials
from emails.selectors import masked_key
from isvplatform.api.serializers import column_length


class NoNulCharField(serializers.CharField):
    """Text that may not hold a NUL byte (PostgreSQL can't store one): a 400 naming it."""

    default_error_messages = {"nul": "Remove the NUL character (\\x00)."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if "\x00" in value:
            self.fail("nul")
        return value


class EmailDnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="CNAME or TXT.")
    name = serializers.CharField(help_text="The host name to publish the record at.")
    value = serializers.CharField()
    purpose = serializers.CharField(help_text="What the record is for (DKIM, SPF, DMARC).")
    required = serializers.BooleanField(help_text="Needed for verification (DKIM), or advice.")


class EmailIdentitySerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    dns_records = serializers.SerializerMethodField(
        help_text="The records to publish: the three Easy DKIM CNAMEs (a domain only), then "
        "SPF and DMARC advice."
    )

    class Meta:
        model = EmailIdentity
        fields = [
            "id", "kind", "name", "status", "status_label", "dkim_status", "dns_records",
            "own_credentials", "verified_at", "last_checked_at", "next_check_at",
            "failure_reason", "actor_label", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(EmailDnsRecordSerializer(many=True))
    def get_dns_records(self, identity: EmailIdentity) -> list[dict]:
        from emails.services import dns_records

        return EmailDnsRecordSerializer(dns_records(identity), many=True).data


class EmailIdentityCreateSerializer(serializers.Serializer):
    name = NoNulCharField(
        max_length=column_length(EmailIdentity, "name"),
        help_text='A domain ("example.com", verified with DKIM records) or one address '
        '("news@example.com", verified by a link SES emails to it).',
    )


class EmailTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailTemplate
        fields = [
            "id", "name", "category", "subject", "html", "text", "text_generated",
            "actor_label", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


def _part(**kwargs) -> NoNulCharField:
    return NoNulCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=settings.EMAIL_MAX_HTML_CHARS,
        **kwargs,
    )


class EmailTemplateInputSerializer(serializers.Serializer):
    name = NoNulCharField(max_length=column_length(EmailTemplate, "name"))
    category = serializers.ChoiceField(
        choices=EmailTemplate.Category.choices, default=EmailTemplate.Category.MARKETING
    )
    subject = NoNulCharField(
        max_length=column_length(EmailTemplate, "subject"),
        help_text="One line; `{{variables}}` are filled in when sent.",
    )
    html = _part(help_text="Sanitised when saved (scripts, event handlers and forms removed).")
    text = _part(help_text="Generated from the HTML when left blank.")


class EmailTemplatePreviewSerializer(serializers.Serializer):
    variables = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=MAX_VARIABLE_VALUE),
        required=False,
        help_text='Values of the template\'s variables, like {"first_name": "Ana"}.',
    )


class RenderedEmailSerializer(serializers.Serializer):
    subject = serializers.CharField()
    html = serializers.CharField()
    text = serializers.CharField()


class EspCredentialsSerializer(serializers.ModelSerializer):
    access_key_id = serializers.SerializerMethodField(help_text="Masked: first and last 4.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = EspCredentials
        fields = [
            "esp", "region", "access_key_id", "status", "status_label", "check_error",
            "checked_at", "configuration_set", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_access_key_id(self, credentials: EspCredentials) -> str:
        return masked_key(credentials)


class EmailSendingAccountSerializer(serializers.Serializer):
    own_credentials = serializers.BooleanField(
        help_text="Whether your email goes out through your own ESP account (else the platform's)."
    )
    esp = serializers.CharField(help_text="The ESP your email goes out through.")
    credentials = EspCredentialsSerializer(
        allow_null=True, help_text="Your own ESP account, masked; null without one."
    )


class EspCredentialsSavedSerializer(EspCredentialsSerializer):
    tracking_url = serializers.CharField(
        read_only=True,
        help_text="Shown this once: the tracking webhook URL with its basic-auth secret, "
        "already subscribed to your account's SES events.",
    )

    class Meta(EspCredentialsSerializer.Meta):
        fields = [*EspCredentialsSerializer.Meta.fields, "tracking_url"]
        read_only_fields = fields


class EspCredentialsInputSerializer(serializers.Serializer):
    access_key_id = NoNulCharField(
        max_length=column_length(EspCredentials, "access_key_id"),
        help_text="The IAM access key id of your AWS account (SES send and identity rights).",
    )
    secret_access_key = NoNulCharField(
        max_length=128,
        write_only=True,
        help_text="Encrypted at rest and never shown again.",
    )
    region = serializers.RegexField(
        r"^[a-z]{2}(-[a-z]+)+-\d$",
        max_length=column_length(EspCredentials, "region"),
        default="us-east-1",
        help_text="The SES region, like us-east-1.",
        error_messages={"invalid": "Enter an AWS region such as us-east-1."},
    )
