"""REST API of the widget: settings, key rotation, and the tenant backend's token check."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from isvplatform.api.schema import ErrorSerializer, error_responses
from isvplatform.api.views import MANAGE_ROLES, Role, TenantAPIView
from verify.models import VerifyService
from verify.widget.keys import MAX_ORIGINS, widget_rotate_key, widget_update
from verify.widget.tokens import MAX_TOKEN_LENGTH, TokenRefused, redeem_token

OFFLINE_SNIPPET = """Offline check, in Python (no library needed):

```python
import base64, hashlib, hmac, json, time

def b64d(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

def verify_token(token, secret, seen_jtis):
    header, claims, signature = token.split(".")
    expected = base64.urlsafe_b64encode(
        hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    ).rstrip(b"=").decode()
    if not hmac.compare_digest(expected, signature):
        raise ValueError("forged")
    if json.loads(b64d(header)) != {"alg": "HS256", "typ": "JWT"}:
        raise ValueError("unexpected header")
    data = json.loads(b64d(claims))
    if data["exp"] <= time.time():
        raise ValueError("expired")
    if data["jti"] in seen_jtis:
        raise ValueError("replayed")
    seen_jtis.add(data["jti"])
    return data["sub"]  # the verified phone, E.164
```
"""


class TokenVerifyInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=MAX_TOKEN_LENGTH, trim_whitespace=True)


class TokenVerifyOutputSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    phone = serializers.CharField(help_text="The verified phone number, E.164.")
    verified_at = serializers.DateTimeField()
    channel = serializers.CharField()
    verification_id = serializers.IntegerField(help_text="The attempt the code approved.")
    token_id = serializers.UUIDField(help_text="The token's `jti`.")


class WidgetSettingsSerializer(serializers.Serializer):
    publishable_key = serializers.CharField(read_only=True, allow_null=True)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=300), max_length=MAX_ORIGINS, required=False
    )
    logo_url = serializers.CharField(max_length=500, allow_blank=True, required=False)
    brand_color = serializers.CharField(max_length=7, required=False)


class VerifyNotSetUp(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "verify_disabled"
    default_detail = "Switch Verify on first: the widget sends through the Verify service."


def _service(tenant) -> VerifyService:
    service = VerifyService.objects.for_tenant(tenant).first()
    if service is None:
        raise VerifyNotSetUp()
    return service


def _settings_of(tenant) -> VerifyService:
    """The saved service, or an unsaved one with the defaults before Verify was switched on."""
    return VerifyService.objects.for_tenant(tenant).first() or VerifyService(tenant=tenant)


@extend_schema(tags=["verify"])
class TokenVerifyView(TenantAPIView):
    """Your backend redeems a widget token: once, within ten minutes, for your tenant only.

    Any key may redeem (a read-only key is enough): the backend that checks tokens needs
    no other power."""

    write_roles = frozenset(Role.values)

    @extend_schema(
        operation_id="verifications_tokens_verify",
        summary="Verify a widget success token (single use)",
        description="The widget hands your page a token once a phone is verified. Post it "
        "here with your API key: a valid token answers the phone and when it was verified, "
        "and is used up. A forged, altered, expired or another account's token answers 400; "
        "a token already redeemed answers 409.\n\n" + OFFLINE_SNIPPET,
        request=TokenVerifyInputSerializer,
        responses={
            200: TokenVerifyOutputSerializer,
            409: OpenApiResponse(ErrorSerializer, description="The token was already used."),
            **error_responses(400),
        },
        examples=[OpenApiExample("token", value={"token": "eyJhbGciOi…"}, request_only=True)],
    )
    def post(self, request):
        serializer = TokenVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            redeemed = redeem_token(tenant=self.tenant, token=serializer.validated_data["token"])
        except TokenRefused as err:
            raise _api_error(err) from err
        body = {
            "valid": True,
            "phone": redeemed.phone,
            "verified_at": redeemed.verified_at,
            "channel": redeemed.channel,
            "verification_id": redeemed.attempt.pk,
            "token_id": redeemed.token_id,
        }
        return Response(TokenVerifyOutputSerializer(body).data)


def _api_error(err: TokenRefused) -> exceptions.APIException:
    error = exceptions.APIException(err.message, code=err.code)
    error.status_code = err.status
    if err.status == status.HTTP_400_BAD_REQUEST:
        error = exceptions.ValidationError({"token": [err.message]})
    return error


def _settings_body(service: VerifyService) -> dict:
    return WidgetSettingsSerializer(
        {
            "publishable_key": service.publishable_key,
            "allowed_origins": service.allowed_origins or [],
            "logo_url": service.logo_url,
            "brand_color": service.brand_color,
        }
    ).data


@extend_schema(tags=["verify"])
class WidgetSettingsView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="verify_widget_retrieve",
        summary="The widget's publishable key, allowed origins, logo and colour",
        description="Before Verify was ever switched on: the defaults, with no key.",
        responses={200: WidgetSettingsSerializer, **error_responses()},
    )
    def get(self, request):
        return Response(_settings_body(_settings_of(self.tenant)))

    @extend_schema(
        operation_id="verify_widget_partial_update",
        summary="Change the widget's allowed origins, logo or colour",
        description="Origins are scheme://host[:port]. The first change also creates the "
        "publishable key and the token signing secret. 409 before Verify was switched on.",
        request=WidgetSettingsSerializer,
        responses={200: WidgetSettingsSerializer, **error_responses(400, 409)},
    )
    def patch(self, request):
        serializer = WidgetSettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        service = _service(self.tenant)
        try:
            service = widget_update(
                service=service, data=serializer.validated_data, actor=self.actor
            )
        except ValidationError as err:
            raise exceptions.ValidationError(err.message_dict) from err
        return Response(_settings_body(service))


@extend_schema(tags=["verify"])
class WidgetRotateKeyView(TenantAPIView):
    write_roles = MANAGE_ROLES

    @extend_schema(
        operation_id="verify_widget_rotate_key",
        summary="Replace the publishable key (the old one stops working at once)",
        request=None,
        description="409 before Verify was switched on.",
        responses={200: WidgetSettingsSerializer, **error_responses(409)},
    )
    def post(self, request):
        service = widget_rotate_key(service=_service(self.tenant), actor=self.actor)
        return Response(_settings_body(service))
