from rest_framework import serializers

from twofactor.models import TenantSecurityPolicy


class SecurityPolicySerializer(serializers.ModelSerializer):
    """The tenant's two-factor rule, and how many of its members already have a factor."""

    require_two_factor = serializers.BooleanField(
        required=False,
        help_text="Every member must sign in to the portal with a TOTP code. API keys are "
        "not affected.",
    )
    members = serializers.IntegerField(read_only=True, help_text="People in the tenant.")
    members_with_two_factor = serializers.IntegerField(
        read_only=True, help_text="Of them, those with a confirmed authenticator app."
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = TenantSecurityPolicy
        fields = ["require_two_factor", "members", "members_with_two_factor", "updated_at"]
