"""REST API of usage and billing (/api/v1/usage...): the period's usage and charges, the
statements (JSON and CSV), spending limits and sending quotas.

Views only route: scoping and roles come from the base views, figures from the selectors
and services. Nothing answered here carries a margin: that is staff-only."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.response import Response

from billing import periods
from billing.models import Statement, UsageLimit
from billing.portal_data import charged_usage
from billing.serializers import (
    StatementDetailSerializer,
    StatementSerializer,
    UsageLimitInputSerializer,
    UsageLimitSerializer,
    UsageLimitsSerializer,
    UsageRangeSerializer,
    UsageSerializer,
)
from billing.services.limits import limit_delete, limit_save
from billing.services.overview import period_overview
from billing.services.quotas import quota_for, quota_usage
from billing.services.statements import statement_csv_rows
from isvplatform.api.pagination import CursorPagination
from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from isvplatform.csv_export import stream_csv
from messaging.models import Channel
from tenants.models import Tenant

TAGS = ["usage"]
LIMIT_FIELDS = ("level", "measure", "category", "period", "value")


@contextmanager
def refusals_as_403() -> Iterator[None]:
    """A limit staff set is the tenant's to see, not to change: the service's refusal
    answers 403 with its reason."""
    try:
        yield
    except DjangoPermissionDenied as err:
        raise exceptions.PermissionDenied(str(err) or None) from err


class UsageView(TenantAPIView):
    @extend_schema(
        operation_id="usage_retrieve",
        tags=TAGS,
        summary="Your usage by day and category, and this period against your plan",
        description="`days` and `totals` cover `start`..`end` (by default this period so "
        "far; at most 400 days), with Twilio's counts and usage per category and what your "
        "price plan charges for them. `period` is the billing period `end` falls in, as "
        "of `end` (or today): the charge so far under your price plan, what each "
        "category's included units leave, and a forecast to the period's end. Amounts "
        "are decimal strings. A malformed date, an `end` before `start` or too long a "
        "range is a 400 naming the field.",
        parameters=[UsageRangeSerializer],
        responses={200: UsageSerializer, **error_responses(400)},
    )
    def get(self, request):
        query = UsageRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        overview = period_overview(self.tenant, today=min(end, periods.today()))
        days, totals = charged_usage(self.tenant, start, end)
        body = {"period": overview, "days": days, "totals": totals, "currency": overview.currency}
        return Response(UsageSerializer(body).data)


# --- statements -----------------------------------------------------------------------


class StatementPagination(CursorPagination):
    ordering = ("-period_start", "-pk")


class StatementListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = Statement
    serializer_class = StatementSerializer
    pagination_class = StatementPagination

    def tenant_queryset(self, queryset):
        wanted = self.request.query_params.get("status", "")
        return queryset.filter(status=wanted) if wanted in Statement.Status.values else queryset

    @extend_schema(
        operation_id="usage_statements_list",
        tags=TAGS,
        summary="Your statements, newest period first",
        description="One per billing period: `draft` while the period runs (rebuilt as "
        "usage comes in), `final` once it has ended and its usage is settled.",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=Statement.Status.values)],
        responses={200: StatementSerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _StatementView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Statement
    serializer_class = StatementDetailSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.prefetch_related("lines")


class StatementDetailView(_StatementView):
    @extend_schema(
        operation_id="usage_statements_retrieve",
        tags=TAGS,
        summary="One statement with its lines",
        responses={200: StatementDetailSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(StatementDetailSerializer(self.get_object()).data)


class StatementCsvView(_StatementView):
    @extend_schema(
        operation_id="usage_statements_csv",
        tags=TAGS,
        summary="One statement as CSV",
        description="A header row, then one row per line of the statement and its totals.",
        responses={(200, "text/csv"): OpenApiTypes.STR, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        statement = self.get_object()
        header, *rows = statement_csv_rows(statement, with_margin=False)
        return stream_csv(f"statement-{statement.number}.csv", header, rows)


# --- spending limits and sending quotas -------------------------------------------------


def _quotas(tenant: Tenant) -> list[dict]:
    """Each channel that has a sending quota, with how much of it is used."""
    return [
        {"channel": channel, **asdict(quota_usage(tenant, channel))}
        for channel in Channel.values
        if quota_for(tenant, channel) is not None
    ]


class LimitListView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="usage_limits_list",
        tags=TAGS,
        summary="Your spending limits and sending quotas",
        description="A soft limit alerts (emails at 80% and 100%); a hard limit stops new "
        "sends once reached, until the period ends or staff lift it. `warned_at`, "
        "`reached_at` and `lifted` are those of the running period. Quotas are per "
        "channel: daily and monthly sends allowed, and the ramp-up step of a new sender.",
        responses={200: UsageLimitsSerializer, **error_responses()},
    )
    def get(self, request):
        limits = UsageLimit.objects.for_tenant(self.tenant).order_by("level", "period", "pk")
        body = {"limits": limits, "quotas": _quotas(self.tenant)}
        return Response(UsageLimitsSerializer(body).data)

    @extend_schema(
        operation_id="usage_limits_create",
        tags=TAGS,
        summary="Set a spending limit",
        description="Owners and admins. Kept as Twilio Usage Triggers on your account "
        "(`sync_status` says when they are set). One limit per level, measure, category "
        "and period (400 otherwise).",
        request=UsageLimitInputSerializer,
        responses={201: UsageLimitSerializer, **error_responses(400)},
    )
    def post(self, request):
        serializer = UsageLimitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        limit = limit_save(tenant=self.tenant, actor=self.actor, **serializer.validated_data)
        return Response(UsageLimitSerializer(limit).data, status=status.HTTP_201_CREATED)


class LimitDetailView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = UsageLimit
    serializer_class = UsageLimitSerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="usage_limits_retrieve",
        tags=TAGS,
        summary="One spending limit and where this period stands",
        responses={200: UsageLimitSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return Response(UsageLimitSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="usage_limits_partial_update",
        tags=TAGS,
        summary="Change a spending limit",
        description="Only the fields given change; the Usage Triggers follow. A limit set "
        "by staff (`set_by_staff`) can't be changed here (403).",
        request=UsageLimitInputSerializer(partial=True),
        responses={200: UsageLimitSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        limit = self.get_object()
        serializer = UsageLimitInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(limit, name) for name in LIMIT_FIELDS}
        values.update(serializer.validated_data)
        with refusals_as_403():
            limit = limit_save(tenant=self.tenant, actor=self.actor, limit=limit, **values)
        return Response(UsageLimitSerializer(limit).data)

    @extend_schema(
        operation_id="usage_limits_destroy",
        tags=TAGS,
        summary="Remove a spending limit",
        description="Its Usage Triggers are deleted at Twilio too. A limit set by staff "
        "can't be removed here (403).",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        with refusals_as_403():
            limit_delete(limit=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)
