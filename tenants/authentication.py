import structlog
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from isvplatform.api.concurrency import remember_key_tenant
from isvplatform.api.throttling import AuthFailureThrottle
from tenants.services import api_key_authenticate


class APIKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <api key>`: the request acts for the key's tenant."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme != self.keyword:
            return None
        raw_key = raw_key.strip()
        if not raw_key:
            raise exceptions.AuthenticationFailed("No API key after 'Bearer'.")
        failures = AuthFailureThrottle()
        failures.check(request)
        api_key = api_key_authenticate(raw_key)
        if api_key is None:
            failures.record_failure(request)
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        if not api_key.tenant.is_active and request.method not in ("GET", "HEAD", "OPTIONS"):
            raise exceptions.PermissionDenied(api_key.tenant.inactive_message)
        structlog.contextvars.bind_contextvars(tenant_id=api_key.tenant_id)
        remember_key_tenant(raw_key, api_key.tenant_id)
        return (APIKeyUser(api_key), api_key)

    def authenticate_header(self, request):
        return self.keyword


class APIKeyUser:
    """The request.user of a call made with an API key (no person behind it)."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, api_key) -> None:
        self.api_key = api_key

    def get_username(self) -> str:
        return f"api-key:{self.api_key.prefix}"

    def __str__(self) -> str:
        return self.get_username()


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.authentication.APIKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A tenant API key."}
