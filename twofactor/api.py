"""REST API of the tenant's two-factor rule: anyone in the tenant reads it, owners change it.

API keys act as admins at most, so only an owner's signed-in session can change the rule.
"""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import Role, TenantAPIView
from twofactor.selectors import member_counts, policy_for
from twofactor.serializers import SecurityPolicySerializer
from twofactor.services import security_policy_update

TAGS = ["security"]


def _answer(tenant) -> Response:
    policy = policy_for(tenant)
    policy.members, policy.members_with_two_factor = member_counts(tenant)
    return Response(SecurityPolicySerializer(policy).data)


class TwoFactorPolicyView(TenantAPIView):
    write_roles = frozenset({Role.OWNER})

    @extend_schema(
        operation_id="security_two_factor_retrieve",
        tags=TAGS,
        summary="The tenant's two-factor rule",
        responses={200: SecurityPolicySerializer, **error_responses()},
    )
    def get(self, request):
        return _answer(self.tenant)

    @extend_schema(
        operation_id="security_two_factor_update",
        tags=TAGS,
        summary="Require (or stop requiring) two-factor sign-in",
        description="When required, every member without an authenticator app is asked to "
        "set one up on their next portal page. API keys are not affected. Audited. Owners "
        "only, from a signed-in session.",
        request=SecurityPolicySerializer,
        responses={200: SecurityPolicySerializer, **error_responses(400)},
    )
    def patch(self, request):
        serializer = SecurityPolicySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "require_two_factor" in serializer.validated_data:
            security_policy_update(
                tenant=self.tenant,
                require_two_factor=serializer.validated_data["require_two_factor"],
                actor=self.actor,
            )
        return _answer(self.tenant)
