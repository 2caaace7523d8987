"""REST API of the email channel (/api/v1/email/...): sending identities, templates and the
tenant's own ESP credentials. The suppression list is the opt-outs API on channel email
(/api/v1/opt-outs?channel=email).

Views route only: scoping and roles come from the base views, rules from the services."""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from emails.esp import EspError
from emails.models import EmailIdentity, EmailTemplate
from emails.selectors import credentials_for, identity_list, template_list
from emails.serializers import (
    EmailIdentityCreateSerializer,
    EmailIdentitySerializer,
    EmailSendingAccountSerializer,
    EmailTemplateInputSerializer,
    EmailTemplatePreviewSerializer,
    EmailTemplateSerializer,
    EspCredentialsInputSerializer,
    EspCredentialsSavedSerializer,
    EspCredentialsSerializer,
    RenderedEmailSerializer,
)
from emails.services import (
    credentials_delete,
    credentials_save,
    identity_check_now,
    identity_create,
    identity_delete,
    render_email,
    template_create,
    template_delete,
    template_update,
)
from isvplatform.api.errors import error_body
from isvplatform.api.schema import ErrorSerializer, error_responses
from isvplatform.api.views import MANAGE_ROLES, TenantAPIView, TenantScopedMixin
from tenants.models import Membership

TAGS = ["email"]
Q_PARAMETER = OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name.")
ESP_DOWN = {
    503: OpenApiResponse(
        ErrorSerializer,
        description="The ESP didn't answer (`esp_unavailable`); nothing changed, try again.",
    )
}


def esp_unavailable(err: EspError) -> Response:
    """The ESP refused for its own reasons or couldn't be reached: a 503 saying so."""
    body = error_body("esp_unavailable", f"The ESP didn't answer as expected: {err.message}")
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE)


# --- sending identities -----------------------------------------------------------------


class IdentityListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = EmailIdentity
    serializer_class = EmailIdentitySerializer
    write_roles = MANAGE_ROLES

    def tenant_queryset(self, queryset):
        params = self.request.query_params
        return identity_list(self.tenant, query=params.get("q", ""), status=params.get("status"))

    @extend_schema(
        operation_id="email_identities_list",
        tags=TAGS,
        summary="Your sending domains and addresses",
        parameters=[
            Q_PARAMETER,
            OpenApiParameter("status", OpenApiTypes.STR, enum=EmailIdentity.Status.values),
        ],
        responses={200: EmailIdentitySerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="email_identities_create",
        tags=TAGS,
        summary="Add a sending domain or address",
        description="Created at the ESP (SES Easy DKIM for a domain) in the background; the "
        "answer is `pending` and `dns_records` lists the records to publish once the DKIM "
        "tokens are known. Verification is polled; nothing is sent from an identity until it "
        "is `verified`. A malformed name or one you already have is a 400 on `name`.",
        request=EmailIdentityCreateSerializer,
        responses={201: EmailIdentitySerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = EmailIdentityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identity = identity_create(
            tenant=self.tenant, name=serializer.validated_data["name"], actor=self.actor
        )
        return Response(EmailIdentitySerializer(identity).data, status=status.HTTP_201_CREATED)


class IdentityDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = EmailIdentity
    serializer_class = EmailIdentitySerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES
    http_method_names = ["get", "delete", "head", "options"]

    @extend_schema(
        operation_id="email_identities_retrieve",
        tags=TAGS,
        summary="One sending identity, its status and DNS records",
        responses={200: EmailIdentitySerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="email_identities_destroy",
        tags=TAGS,
        summary="Remove a sending identity",
        description="Deleted at the ESP too; emails already sent keep their history.",
        responses={204: None, **error_responses(404), **ESP_DOWN},
    )
    def delete(self, request, *args, **kwargs):
        try:
            identity_delete(identity=self.get_object(), actor=self.actor)
        except EspError as err:
            return esp_unavailable(err)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdentityCheckView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = EmailIdentity
    serializer_class = EmailIdentitySerializer
    lookup_url_kwarg = "id"
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="email_identities_check",
        tags=TAGS,
        summary="Check the verification status at the ESP now",
        description="Queues a check at once instead of waiting for the next poll; the answer "
        "is the identity as it is now (202), the new status follows in a few seconds.",
        request=None,
        responses={202: EmailIdentitySerializer, **error_responses(404)},
    )
    def post(self, request, *args, **kwargs):
        identity = self.get_object()
        identity_check_now(identity=identity, actor=self.actor)
        identity.refresh_from_db()
        return Response(EmailIdentitySerializer(identity).data, status=status.HTTP_202_ACCEPTED)


# --- templates --------------------------------------------------------------------------


class TemplateListView(TenantScopedMixin, TenantAPIView, generics.ListAPIView):
    model = EmailTemplate
    serializer_class = EmailTemplateSerializer

    def tenant_queryset(self, queryset):
        params = self.request.query_params
        return template_list(
            self.tenant, query=params.get("q", ""), category=params.get("category", "")
        )

    @extend_schema(
        operation_id="email_templates_list",
        tags=TAGS,
        summary="Your email templates",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Part of the name or subject."),
            OpenApiParameter("category", OpenApiTypes.STR, enum=EmailTemplate.Category.values),
        ],
        responses={200: EmailTemplateSerializer(many=True), **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="email_templates_create",
        tags=TAGS,
        summary="Create an email template",
        description="The HTML is sanitised when saved, and a blank `text` is generated from "
        "it (`text_generated`). Marketing emails get the unsubscribe headers and footer when "
        "sent. Names are unique (400 on `name`).",
        request=EmailTemplateInputSerializer,
        responses={201: EmailTemplateSerializer, **error_responses(400)},
    )
    def post(self, request, *args, **kwargs):
        serializer = EmailTemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = template_create(
            tenant=self.tenant, actor=self.actor, **serializer.validated_data
        )
        return Response(EmailTemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(TenantScopedMixin, TenantAPIView, generics.RetrieveAPIView):
    model = EmailTemplate
    serializer_class = EmailTemplateSerializer
    lookup_url_kwarg = "id"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    @extend_schema(
        operation_id="email_templates_retrieve",
        tags=TAGS,
        summary="One email template",
        responses={200: EmailTemplateSerializer, **error_responses(404)},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="email_templates_partial_update",
        tags=TAGS,
        summary="Change an email template",
        description="Only the fields given change; a generated text part follows new HTML.",
        request=EmailTemplateInputSerializer(partial=True),
        responses={200: EmailTemplateSerializer, **error_responses(400, 404)},
    )
    def patch(self, request, *args, **kwargs):
        template = self.get_object()
        serializer = EmailTemplateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        template = template_update(template=template, actor=self.actor, **serializer.validated_data)
        return Response(EmailTemplateSerializer(template).data)

    @extend_schema(
        operation_id="email_templates_destroy",
        tags=TAGS,
        summary="Delete an email template",
        description="Emails already sent from it keep their own subject and parts.",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request, *args, **kwargs):
        template_delete(template=self.get_object(), actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplatePreviewView(TenantScopedMixin, TenantAPIView, generics.GenericAPIView):
    model = EmailTemplate
    serializer_class = RenderedEmailSerializer
    lookup_url_kwarg = "id"
    write_roles = frozenset(Membership.Role.values)

    @extend_schema(
        operation_id="email_templates_preview",
        tags=TAGS,
        summary="Render a template with values",
        description="The subject, HTML and text as an email would carry them (nothing is "
        "sent). A variable with neither a value nor a fallback (`{{name|fallback}}`) is a "
        "400 on `variables`.",
        request=EmailTemplatePreviewSerializer,
        responses={200: RenderedEmailSerializer, **error_responses(400, 404)},
    )
    def post(self, request, *args, **kwargs):
        template = self.get_object()
        serializer = EmailTemplatePreviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subject, html, text = render_email(
            template, serializer.validated_data.get("variables") or {}
        )
        return Response({"subject": subject, "html": html, "text": text})


# --- the tenant's own ESP credentials ---------------------------------------------------


class CredentialsView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="email_credentials_retrieve",
        tags=TAGS,
        summary="Which ESP account sends your email; your own credentials masked",
        description="`credentials` is null while the platform's ESP account sends your email. "
        "The secret is never answered.",
        responses={200: EmailSendingAccountSerializer, **error_responses()},
    )
    def get(self, request):
        credentials = credentials_for(self.tenant)
        body = {
            "own_credentials": credentials is not None,
            "esp": credentials.esp if credentials else settings.EMAIL_ESP,
            "credentials": credentials,
        }
        return Response(EmailSendingAccountSerializer(body).data)

    @extend_schema(
        operation_id="email_credentials_update",
        tags=TAGS,
        summary="Send through your own Amazon SES account",
        description="Checked with a real call to SES before saved (a refused key is a 400 "
        "on `access_key_id`). The secret is encrypted and never answered again; the answer "
        "carries the tracking URL with its basic-auth secret this one time.",
        request=EspCredentialsInputSerializer,
        responses={200: EspCredentialsSavedSerializer, **error_responses(400), **ESP_DOWN},
    )
    def put(self, request):
        serializer = EspCredentialsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            credentials, tracking_url = credentials_save(
                tenant=self.tenant, actor=self.actor, **serializer.validated_data
            )
        except EspError as err:
            return esp_unavailable(err)
        body = EspCredentialsSerializer(credentials).data
        body["tracking_url"] = tracking_url
        return Response(body)

    @extend_schema(
        operation_id="email_credentials_destroy",
        tags=TAGS,
        summary="Go back to the platform's ESP account",
        responses={204: None, **error_responses(404)},
    )
    def delete(self, request):
        if credentials_for(self.tenant) is None:
            return _no_credentials()
        credentials_delete(tenant=self.tenant, actor=self.actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _no_credentials() -> Response:
    body = error_body("not_found", "You have no ESP credentials of your own.")
    return Response(body, status=status.HTTP_404_NOT_FOUND)
