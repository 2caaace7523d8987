"""REST API of A2P 10DLC registration (seed 003's /10dlc endpoints, under /api/v1) and of
toll-free verification (/toll-free-verifications).

Views only route: scoping and roles come from the base views, rules from the pre-flight
validation, and every change from a service (which writes the audit row).
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from compliance.models import Registration, TollFreeVerification
from compliance.selectors import compliance_state, current_vs_approved, form_initial
from compliance.serializers import (
    FormResponseSerializer,
    RegistrationFormSerializer,
    RegistrationSerializer,
    RegistrationSummarySerializer,
    StatusSerializer,
    SubmitSerializer,
    TollFreeResubmitSerializer,
    TollFreeSubmitSerializer,
    TollFreeVerificationSerializer,
    form_response,
)
from compliance.services import (
    ComplianceConflict,
    brand_otp_resend,
    registration_submit,
    registration_submit_draft,
    registration_update,
    toll_free_numbers,
    tollfree_resubmit,
    tollfree_submit,
)
from isvplatform.api.errors import Conflict
from isvplatform.api.schema import error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from provisioning.models import PhoneNumber

TAGS = ["10DLC"]


class FormView(TenantAPIView):
    @extend_schema(
        operation_id="a2p_form_retrieve",
        tags=TAGS,
        summary="The 10DLC form, pre-filled from the business profile",
        description="Business facts come from the business profile; brand and campaign "
        "details from the newest version (or suggestions for a first registration). Also "
        "lists the choices, the use cases each brand type may register, the pre-flight "
        "rules, and how the current details differ from the approved version.",
        responses={200: FormResponseSerializer, **error_responses()},
    )
    def get(self, request):
        data = form_initial(self.tenant)
        return Response(form_response(data, current_vs_approved(self.tenant)))


class SubmitView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="a2p_submit",
        tags=TAGS,
        summary="Submit the 10DLC registration as a new version",
        description="Runs the pre-flight checks (400 with `error.fields` naming each field to "
        "fix; nothing is sent to Twilio), saves the business facts to the business profile, "
        "records the next version and starts the registration chain. With `draft: true` the "
        "version is only saved. 409 while another version is being reviewed. Owners and "
        "admins only.",
        request=SubmitSerializer,
        responses={201: RegistrationSerializer, **error_responses(400, 409)},
    )
    def post(self, request):
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        draft = data.pop("draft", False)
        try:
            registration = registration_submit(
                tenant=self.tenant, data=data, actor=self.actor, draft=draft
            )
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class StatusView(TenantAPIView):
    @extend_schema(
        operation_id="a2p_status_retrieve",
        tags=TAGS,
        summary="Where the tenant's 10DLC registration stands",
        description="The active (approved) version, the version in progress with a timeline "
        "of each step (Twilio SIDs, Twilio's raw status, reasons, next action) and what "
        "changed since the approved version.",
        responses={200: StatusSerializer, **error_responses()},
    )
    def get(self, request):
        state = compliance_state(self.tenant)
        data = {
            "can_send": state.can_send,
            "headline": state.headline,
            "active": RegistrationSerializer(state.active).data if state.active else None,
            "current": RegistrationSerializer(state.current).data if state.current else None,
            "latest": RegistrationSummarySerializer(state.latest).data if state.latest else None,
            "current_vs_approved": [
                {
                    "name": c.name,
                    "label": c.label,
                    "current": c.current,
                    "approved": c.approved,
                    "changed": c.changed,
                }
                for c in current_vs_approved(self.tenant)
            ],
        }
        return Response(data)


@extend_schema(tags=TAGS)
class RegistrationListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = Registration
    serializer_class = RegistrationSummarySerializer

    @extend_schema(
        operation_id="a2p_registrations_list",
        summary="Every version, newest first (current and historical)",
        responses={200: RegistrationSummarySerializer(many=True), **error_responses()},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        operation_id="a2p_registrations_retrieve",
        summary="One version with its snapshot and timeline",
        responses={200: RegistrationSerializer, **error_responses(404)},
    ),
    patch=extend_schema(
        operation_id="a2p_registrations_partial_update",
        summary="Change a draft version",
        description="Only drafts change: a submitted version is a snapshot, and an approved "
        "one is read-only (409). To change approved details, submit a new version.",
        request=RegistrationFormSerializer,
        responses={200: RegistrationSerializer, **error_responses(400, 404, 409)},
    ),
)
@extend_schema(tags=TAGS)
class RegistrationDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = Registration
    serializer_class = RegistrationSerializer
    lookup_field = "id"
    write_roles = MANAGE_ROLES
    http_method_names = ["get", "patch", "head", "options"]

    def tenant_queryset(self, queryset):
        return queryset.select_related("customer_profile", "trust_product", "brand", "campaign")

    def patch(self, request, *args, **kwargs):
        registration = self.get_object()
        serializer = RegistrationFormSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            registration = registration_update(
                registration=registration, data=dict(serializer.validated_data), actor=self.actor
            )
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        return Response(RegistrationSerializer(registration).data)


@extend_schema(tags=TAGS)
class RegistrationSubmitView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Registration
    serializer_class = RegistrationSerializer
    lookup_field = "id"
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="a2p_registrations_submit",
        summary="Submit a draft version",
        description="Runs the pre-flight checks on the draft and submits it (409 unless it "
        "is a draft).",
        request=None,
        responses={200: RegistrationSerializer, **error_responses(400, 404, 409)},
    )
    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        try:
            registration = registration_submit_draft(registration=registration, actor=self.actor)
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        return Response(RegistrationSerializer(registration).data)


@extend_schema(tags=TAGS)
class RegistrationResendOtpView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = Registration
    serializer_class = RegistrationSerializer
    lookup_field = "id"
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        return queryset.select_related("brand")

    @extend_schema(
        operation_id="a2p_registrations_resend_otp",
        summary="Text a sole proprietor's verification code again",
        description="While a sole-proprietor brand waits for the owner to reply YES to "
        "Twilio's text (see `owner_otp`), asks Twilio to send it again; the 24 hours start "
        "over. 202: the text is on its way. 409 when the brand is not waiting for a reply. "
        "Owners and admins only.",
        request=None,
        responses={202: RegistrationSerializer, **error_responses(404, 409)},
    )
    def post(self, request, *args, **kwargs):
        registration = self.get_object()
        try:
            brand_otp_resend(registration=registration, actor=self.actor)
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        registration.refresh_from_db()
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_202_ACCEPTED)


TOLLFREE_TAGS = ["Toll-free verification"]


def _toll_free_number(tenant, number_id) -> PhoneNumber:
    number = toll_free_numbers(tenant).filter(pk=number_id).first()
    if number is None:
        raise ValidationError({"phone_number_id": ["Choose one of your active toll-free numbers."]})
    return number


@extend_schema_view(
    get=extend_schema(
        operation_id="toll_free_verifications_list",
        summary="Every toll-free verification version, newest first",
        responses={200: TollFreeVerificationSerializer(many=True), **error_responses()},
    ),
)
@extend_schema(tags=TOLLFREE_TAGS)
class TollFreeVerificationListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = TollFreeVerification
    serializer_class = TollFreeVerificationSerializer
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        return queryset.select_related("phone_number").order_by("-created_at", "-version")

    @extend_schema(
        operation_id="toll_free_verifications_create",
        summary="Submit a toll-free number for verification",
        description="The business facts come from the business profile; the use case, opt-in "
        "proof and sample from the body. Runs the pre-flight checks (400 with `error.fields` "
        "naming each field to fix; nothing is sent to Twilio), then sends it to Twilio's "
        "review. A rejected number is resubmitted (an edit while Twilio's 7-day window is "
        "open). 409 while the number has a verification under review or approved. Owners "
        "and admins only.",
        request=TollFreeSubmitSerializer,
        responses={201: TollFreeVerificationSerializer, **error_responses(400, 409)},
    )
    def post(self, request, *args, **kwargs):
        serializer = TollFreeSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        number = _toll_free_number(self.tenant, data.pop("phone_number_id"))
        try:
            verification = tollfree_submit(
                tenant=self.tenant, actor=self.actor, phone_number=number, data=data
            )
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        return Response(
            TollFreeVerificationSerializer(verification).data, status=status.HTTP_201_CREATED
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="toll_free_verifications_retrieve",
        summary="One version with what was submitted and its timeline",
        responses={200: TollFreeVerificationSerializer, **error_responses(404)},
    ),
    patch=extend_schema(
        operation_id="toll_free_verifications_resubmit",
        summary="Resubmit a rejected verification as its next version",
        description="Only a rejected version, and only the newest of its number (409 "
        "otherwise). Within Twilio's 7-day edit window it is an edit of the same Twilio "
        "verification (reviewed first); after it, a new verification. Answers the new "
        "version, with its own id; the rejected one stays as history.",
        request=TollFreeResubmitSerializer,
        responses={200: TollFreeVerificationSerializer, **error_responses(400, 404, 409)},
    ),
)
@extend_schema(tags=TOLLFREE_TAGS)
class TollFreeVerificationDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = TollFreeVerification
    serializer_class = TollFreeVerificationSerializer
    lookup_field = "id"
    write_roles = MANAGE_ROLES
    http_method_names = ["get", "patch", "head", "options"]

    def tenant_queryset(self, queryset):
        return queryset.select_related("phone_number")

    def patch(self, request, *args, **kwargs):
        verification = self.get_object()
        serializer = TollFreeResubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            verification = tollfree_resubmit(
                verification=verification, actor=self.actor, data=dict(serializer.validated_data)
            )
        except ComplianceConflict as err:
            raise Conflict(str(err)) from err
        return Response(TollFreeVerificationSerializer(verification).data)
