"""REST API of Verify: send and check codes, the verification log, the settings, on and off;
and the staff routes of seed 002 (`/businesses/{id}/verify/send|check`).

Views only route: every refusal is a `VerifyRefused` from the services, answered in the one
error format with its code (Twilio's, such as `60203`, or the platform's, such as
`prefix_burst`), the field at fault and its status.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from isvplatform.api.errors import error_body
from isvplatform.api.schema import ErrorSerializer, error_responses
from isvplatform.api.views import (
    MANAGE_ROLES,
    StaffAPIView,
    TenantAPIView,
    TenantScopedMixin,
)
from isvplatform.public import client_ip
from tenants.models import APIKey, Tenant
from verify import services
from verify.errors import VerifyRefused
from verify.forms import AttemptFilterForm
from verify.models import Channel, VerificationAttempt, VerifyService
from verify.selectors import CHECKS_IN_ORDER, filter_attempts
from verify.serializers import (
    VerificationAttemptSerializer,
    VerificationCheckRequestSerializer,
    VerificationCheckResultSerializer,
    VerificationSendSerializer,
    VerifyEnableSerializer,
    VerifySettingsSerializer,
)

TAGS = ["verify"]
REFUSAL_HELP = (
    " Refusals carry Twilio's code when Twilio refused (`60203` too many sends, `60410` Fraud "
    "Guard, `60605` geo permissions, `60205` landline, `60212` too many pending) or the "
    "platform's: `verify_disabled`, `verify_not_ready`, `channel_disabled`, "
    "`country_not_allowed`, `too_many_sends_to_destination`, `too_many_sends_from_ip`, "
    "`prefix_burst` (SMS pumping: refused and alerted); a reached hard spending limit is a "
    "402 `spending_limit_reached`."
)
SPENDING_LIMIT = OpenApiResponse(
    ErrorSerializer,
    description="A hard spending limit of the business is reached (`spending_limit_reached`): "
    "the message names the limit and the day it resets; nothing was sent.",
)
TWILIO_DOWN = {
    502: OpenApiResponse(ErrorSerializer, description="Twilio answered with an error."),
    503: OpenApiResponse(ErrorSerializer, description="Twilio could not be reached."),
}
RETRY_AFTER_SECONDS = 60


def refused(err: VerifyRefused) -> Response:
    fields = {err.field: [err.message]} if err.field else {}
    response = Response(error_body(err.code, err.message, fields), status=err.status)
    if err.status == status.HTTP_429_TOO_MANY_REQUESTS:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def caller_ip(request, given: str | None) -> str | None:
    """The end user's address: as given, else the request's own unless an API key calls
    (a backend's address is not its users')."""
    if given:
        return given
    return None if isinstance(request.auth, APIKey) else client_ip(request) or None


def send_response(request, tenant: Tenant, source: str) -> Response:
    serializer = VerificationSendSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    try:
        attempt = services.start_verification(
            tenant,
            to=data["to"],
            channel=data["channel"],
            locale=data.get("locale", ""),
            client_ip=caller_ip(request, data.get("client_ip")),
            source=source,
        )
    except VerifyRefused as err:
        return refused(err)
    return Response(VerificationAttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)


def check_response(request, tenant: Tenant) -> Response:
    serializer = VerificationCheckRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    attempt = None
    if data.get("verification_id"):
        attempt = (
            VerificationAttempt.objects.for_tenant(tenant)
            .filter(pk=data["verification_id"])
            .first()
        )
        if attempt is None:
            return refused(
                VerifyRefused("not_found", "No such verification.", "verification_id", 404)
            )
    try:
        check = services.check_verification(
            tenant,
            code=data["code"],
            to=None if attempt else data.get("to"),
            attempt=attempt,
            client_ip=caller_ip(request, data.get("client_ip")),
        )
    except VerifyRefused as err:
        return refused(err)
    return Response(VerificationCheckResultSerializer(check).data)


_DATES = "A day (YYYY-MM-DD), inclusive."
ATTEMPT_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=VerificationAttempt.Status.values),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=Channel.values),
    OpenApiParameter("country", {"type": "string", "maxLength": 2}, description="ISO code."),
    OpenApiParameter("date_from", OpenApiTypes.DATE, description=_DATES),
    OpenApiParameter("date_to", OpenApiTypes.DATE, description=_DATES),
    OpenApiParameter(
        "q", {"type": "string", "maxLength": 254}, description="Part of the destination."
    ),
]


class VerificationListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    """The verification log (newest first), and sending a code."""

    model = VerificationAttempt
    serializer_class = VerificationAttemptSerializer

    def tenant_queryset(self, queryset):
        form = AttemptFilterForm(self.request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return filter_attempts(queryset.prefetch_related(CHECKS_IN_ORDER), form.filters())

    @extend_schema(
        operation_id="verifications_list",
        tags=TAGS,
        summary="Verification log",
        parameters=ATTEMPT_FILTERS,
        responses={200: VerificationAttemptSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="verifications_create",
        tags=TAGS,
        summary="Send a verification code",
        description="Twilio sends a code to `to` over `channel` in the tenant's Verify "
        "service (a resend within 10 minutes sends the same code and counts on the same "
        "verification). The geo allowlist and the per-number, per-IP and prefix-burst limits "
        "are checked first." + REFUSAL_HELP,
        request=VerificationSendSerializer,
        responses={
            201: VerificationAttemptSerializer,
            **error_responses(400, 403, 409, 429),
            402: SPENDING_LIMIT,
            **TWILIO_DOWN,
        },
    )
    def post(self, request, *args, **kwargs):
        return send_response(request, self.tenant, VerificationAttempt.Source.API)


class VerificationCheckView(TenantAPIView):
    @extend_schema(
        operation_id="verifications_check",
        tags=TAGS,
        summary="Check a verification code",
        description="Checks `code` against the latest verification sent to `to` (or the "
        "one `verification_id` names). A wrong code answers 200 with `result: wrong_code`, "
        "`valid: false`; the fifth wrong code answers 429 (`60202`); an approved or expired "
        "verification answers 404 (`20404`).",
        request=VerificationCheckRequestSerializer,
        responses={
            200: VerificationCheckResultSerializer,
            **error_responses(400, 404, 409),
            **TWILIO_DOWN,
        },
    )
    def post(self, request):
        return check_response(request, self.tenant)


class VerificationDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = VerificationAttempt
    serializer_class = VerificationAttemptSerializer
    lookup_url_kwarg = "id"

    def tenant_queryset(self, queryset):
        return queryset.prefetch_related(CHECKS_IN_ORDER)

    @extend_schema(
        operation_id="verifications_retrieve",
        tags=TAGS,
        summary="One verification and its checks",
        responses={200: VerificationAttemptSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _settings_of(tenant: Tenant) -> VerifyService:
    """The tenant's service, or the defaults it would start with (not saved)."""
    service = VerifyService.objects.for_tenant(tenant).first()
    return service or VerifyService(tenant=tenant, brand_name=tenant.name[:30])


class VerifySettingsView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="verify_settings_retrieve",
        tags=TAGS,
        summary="Verify settings and status",
        description="Before Verify was ever switched on: the defaults, `enabled: false`.",
        responses={200: VerifySettingsSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(VerifySettingsSerializer(_settings_of(self.tenant)).data)

    @extend_schema(
        operation_id="verify_settings_update",
        tags=TAGS,
        summary="Change Verify settings",
        description="Any subset; each value is validated against Twilio's rules first (the "
        "brand name: up to 30 characters, no five digits in a row). Changes are audited and "
        "pushed to the Twilio service. 409 before Verify was switched on. Owners and admins.",
        request=VerifySettingsSerializer,
        responses={200: VerifySettingsSerializer, **error_responses(400, 409)},
    )
    def patch(self, request):
        service = VerifyService.objects.for_tenant(self.tenant).first()
        serializer = VerifySettingsSerializer(service, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if service is None:
            return refused(VerifyRefused("verify_disabled", "Switch Verify on first.", None, 409))
        changes = {k: v for k, v in serializer.validated_data.items() if k in serializer.WRITABLE}
        try:
            service = services.update_settings(service, actor=self.actor, **changes)
        except VerifyRefused as err:
            return refused(err)
        return Response(VerifySettingsSerializer(service).data)


class VerifyEnableView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="verify_enable",
        tags=TAGS,
        summary="Switch Verify on",
        description="Creates the tenant's Verify service in its Twilio subaccount (in the "
        "background: `status` is `provisioning` until it is `active`). Idempotent.",
        request=VerifyEnableSerializer,
        responses={202: VerifySettingsSerializer, **error_responses(400)},
    )
    def post(self, request):
        serializer = VerifyEnableSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            service = services.enable_verify(
                self.tenant, brand_name=serializer.validated_data["brand_name"], actor=self.actor
            )
        except VerifyRefused as err:
            return refused(err)
        service.refresh_from_db()
        return Response(VerifySettingsSerializer(service).data, status=status.HTTP_202_ACCEPTED)


class VerifyDisableView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="verify_disable",
        tags=TAGS,
        summary="Switch Verify off",
        description="No code is sent or checked any more; the settings are kept.",
        request=None,
        responses={200: VerifySettingsSerializer, **error_responses()},
    )
    def post(self, request):
        service = services.disable_verify(self.tenant, actor=self.actor)
        return Response(VerifySettingsSerializer(service or _settings_of(self.tenant)).data)


STAFF_TAGS = ["staff"]
BUSINESS_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class StaffVerifySendView(StaffAPIView, generics.GenericAPIView):
    queryset = Tenant.objects.all()
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="staff_business_verify_send",
        tags=STAFF_TAGS,
        summary="Send a verification code for a business",
        description="Staff only: as `POST /verifications` on the business's behalf." + REFUSAL_HELP,
        parameters=[BUSINESS_ID],
        request=VerificationSendSerializer,
        responses={
            201: VerificationAttemptSerializer,
            **error_responses(400, 404, 409),
            **TWILIO_DOWN,
        },
    )
    def post(self, request, *args, **kwargs):
        return send_response(request, self.get_object(), VerificationAttempt.Source.STAFF)


class StaffVerifyCheckView(StaffAPIView, generics.GenericAPIView):
    queryset = Tenant.objects.all()
    lookup_url_kwarg = "id"

    @extend_schema(
        operation_id="staff_business_verify_check",
        tags=STAFF_TAGS,
        summary="Check a verification code for a business",
        parameters=[BUSINESS_ID],
        request=VerificationCheckRequestSerializer,
        responses={
            200: VerificationCheckResultSerializer,
            **error_responses(400, 404, 409),
            **TWILIO_DOWN,
        },
    )
    def post(self, request, *args, **kwargs):
        return check_response(request, self.get_object())
