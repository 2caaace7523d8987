"""REST API of the tenant's retention policy: read it, change either period."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView
from retention.serializers import RetentionPolicySerializer
from retention.services import PERIOD_FIELDS, policy_for, retention_policy_update

TAGS = ["retention"]


class RetentionPolicyView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="retention_retrieve",
        tags=TAGS,
        summary="The retention periods",
        responses={200: RetentionPolicySerializer, **error_responses()},
    )
    def get(self, request):
        return Response(RetentionPolicySerializer(policy_for(self.tenant)).data)

    @extend_schema(
        operation_id="retention_update",
        tags=TAGS,
        summary="Change the retention periods",
        description="Either period, in days within `min_days`..`max_days`; null returns to "
        "the platform's default. A daily job deletes raw webhook events and blanks message "
        "bodies older than the period in force. Audited. Owners and admins.",
        request=RetentionPolicySerializer,
        responses={200: RetentionPolicySerializer, **error_responses(400)},
    )
    def patch(self, request):
        serializer = RetentionPolicySerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k in PERIOD_FIELDS}
        policy = retention_policy_update(tenant=self.tenant, data=data, actor=self.actor)
        return Response(RetentionPolicySerializer(policy).data)
