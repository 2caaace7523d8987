"""`GET /api/v1/verifications/stats`: the analytics of a period, from the daily rollups."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from isvplatform.api.schema import error_responses
from isvplatform.api.views import TenantAPIView
from verify.analytics import DEFAULT_PERIOD_DAYS, MAX_PERIOD_DAYS, verification_stats
from verify.analytics_forms import DATE_HELP, stats_filters
from verify.models import Channel
from verify.stats_serializers import VerificationStatsSerializer

STATS_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description=f"First day of the period (inclusive). {DATE_HELP} "
        f"Default: {DEFAULT_PERIOD_DAYS - 1} days before `to`.",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description=f"Last day of the period (inclusive). {DATE_HELP} Default: today. "
        f"At most {MAX_PERIOD_DAYS} days in all.",
    ),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
    OpenApiParameter(
        "country",
        {"type": "string", "pattern": "^[A-Za-z]{2}$"},
        description="ISO 3166 alpha-2 country of the destination.",
    ),
]


@extend_schema(tags=["verifications"])
class VerificationStatsView(TenantAPIView):
    """Attempts, conversions, time to verify, failures by reason and cost of a period."""

    @extend_schema(
        operation_id="verifications_stats",
        summary="Verification analytics for a period",
        description="Totals, per channel, per country and per day, read from daily rollups "
        "kept up to date as attempts change (UTC days). Conversion is approved / attempts; "
        "time to verify runs from the send to the approval. Cost is the sum of the attempts' "
        "recorded prices.",
        parameters=STATS_PARAMETERS,
        responses={200: VerificationStatsSerializer, **error_responses(400)},
    )
    def get(self, request):
        filters = stats_filters(request.query_params)
        # The selector's dict is already in the serializer's shape (a test holds them equal);
        # rendering it as is spares the nested serializers' cost on every request.
        return Response(verification_stats(self.tenant, filters))
