"""Bad input gets a field-level 400, never a 500; server-owned fields in a body change nothing.

The first tests read every write operation's request schema from the OpenAPI document
and send each field a value of the wrong type, too long, or out of range, so a new
endpoint is checked as soon as it is routed.
"""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from isvplatform.testing.tenancy import api_routes, tenant_factory_for
from tenants.models import APIKey, BusinessProfile, Membership, Tenant
from tenants.tests.factories import MembershipFactory, TenantFactory
from twofactor.tests.helpers import login_verified

Role = Membership.Role
BODY_ROUTES = [
    (route, method)
    for route in api_routes()
    for method in route.write_methods
    if method in ("POST", "PUT", "PATCH")
]
# Values beyond these are not worth sending (a 64-bit bound, say); the type check covers them.
LARGEST_BOUND = 2**31


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = {
            **spec["components"]["schemas"][name],
            **{k: v for k, v in schema.items() if k != "$ref"},
        }
    if "allOf" in schema and len(schema["allOf"]) == 1:
        inner = resolve(schema["allOf"][0], spec)
        schema = {**inner, **{k: v for k, v in schema.items() if k != "allOf"}}
    return schema


def enum_values(schema: dict, spec: dict) -> list | None:
    schema = resolve(schema, spec)
    if "enum" in schema:
        return schema["enum"]
    if "oneOf" in schema:
        return [v for option in schema["oneOf"] for v in (enum_values(option, spec) or [])]
    return None


def bad_values(schema: dict, spec: dict) -> list:
    """Values this property must refuse, by its declared type and bounds."""
    schema = resolve(schema, spec)
    enum = enum_values(schema, spec)
    if enum is not None:
        return ["not-one-of-the-choices", {"an": "object"}]
    kind = schema.get("type")
    values: list = []
    if kind == "string":
        values.append({"an": "object"})
        if schema.get("maxLength", LARGEST_BOUND) < LARGEST_BOUND:
            values.append("x" * (schema["maxLength"] + 1))
        if schema.get("format") == "email":
            values.append("not-an-email")
        if schema.get("format") == "uri":
            values.append("not a url")
    elif kind in ("integer", "number"):
        values.append("not-a-number")
        if schema.get("minimum", -LARGEST_BOUND) > -LARGEST_BOUND:
            values.append(schema["minimum"] - 1)
        if schema.get("maximum", LARGEST_BOUND) < LARGEST_BOUND:
            values.append(schema["maximum"] + 1)
    elif kind == "boolean":
        values.append("perhaps")
    elif kind == "array":
        values.append("not-a-list")
        items = enum_values(schema.get("items", {}), spec)
        if items is not None:
            values.append(["not-one-of-the-choices"])
        if "maxItems" in schema and items:
            values.append(items * (schema["maxItems"] + 1))
    elif kind == "object":
        values.append("not-an-object")
    return values


def field_cases(schema: dict, spec: dict, prefix: str = "") -> list[tuple[str, dict]]:
    """(field path, body) pairs, each body carrying one bad value for one field."""
    schema = resolve(schema, spec)
    cases = []
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        for value in bad_values(prop, spec):
            cases.append((path, {name: value}))
        if resolve(prop, spec).get("type") == "object" and "properties" in resolve(prop, spec):
            for inner_path, inner_body in field_cases(prop, spec, prefix=f"{path}."):
                cases.append((inner_path, {name: inner_body}))
    return cases


def request_schema(route, method: str, spec: dict) -> dict | None:
    """The JSON request body's schema (None for no body, or a file upload)."""
    operation = spec["paths"][route.openapi_path()][method.lower()]
    content = operation.get("requestBody", {}).get("content", {})
    return content["application/json"]["schema"] if "application/json" in content else None


def caller_and_url(route, tenant, other_tenant, member_client, staff_user):
    values = {}
    if route.is_staff:
        client = APIClient()
        login_verified(client, staff_user)
        if route.params:
            values[route.lookup_param] = route.lookup_value(
                tenant_factory_for(route.model)(other_tenant)
            )
    else:
        client = member_client(role=Role.OWNER)
        if route.params:
            values[route.lookup_param] = route.lookup_value(tenant_factory_for(route.model)(tenant))
    return client, route.url(**values)


def send(client, method, url, body):
    return send_raw(client, method, url, json.dumps(body))


def send_raw(client, method, url, raw: str):
    return client.generic(method, url, raw, content_type="application/json")


def assert_field_error(response, field: str, context) -> None:
    assert response.status_code == 400, (context, response.status_code, response.content)
    error = response.json()["error"]
    assert error["code"] == "invalid", context
    named = [f for f in error["fields"] if f == field or f.startswith(f"{field}.")]
    assert named, (context, error)


@pytest.mark.parametrize(("route", "method"), BODY_ROUTES, ids=lambda v: str(v))
def test_every_field_refuses_bad_values(
    route, method, openapi, tenant, other_tenant, member_client, staff_user
):
    schema = request_schema(route, method, openapi)
    client, url = caller_and_url(route, tenant, other_tenant, member_client, staff_user)
    if schema is None:
        response = send_raw(client, method, url, "{not json")
        assert response.status_code < 500, response.content
        return

    response = send_raw(client, method, url, "{not json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "parse_error"
    for body in ([1, 2], "just a string", 12, None):
        response = send(client, method, url, body)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["fields"], body

    resolved = resolve(schema, openapi)
    if resolved.get("required"):
        response = send(client, method, url, {})
        for field in resolved["required"]:
            assert_field_error(response, field, ("missing", field))

    cases = field_cases(schema, openapi)
    assert cases, f"{route} {method}: no fields to try"
    for field, body in cases:
        assert_field_error(send(client, method, url, body), field, body)


SERVER_OWNED = {
    "id",
    "tenant",
    "tenant_id",
    "status",
    "is_staff",
    "is_superuser",
    "verification_status",
    "verified_by",
    "verified_at",
    "hashed_key",
    "prefix",
    "created_by",
    "created_at",
    "updated_at",
    "revoked_at",
    "sid",
    "account_sid",
    "messaging_service_sid",
}


def writable_names(schema: dict, spec: dict, prefix: str = "") -> set[str]:
    schema = resolve(schema, spec)
    names = set()
    for name, prop in schema.get("properties", {}).items():
        names.add(f"{prefix}{name}")
        names |= writable_names(prop, spec, prefix=f"{prefix}{name}.")
    return names


@pytest.mark.parametrize(("route", "method"), BODY_ROUTES, ids=lambda v: str(v))
def test_no_request_body_accepts_server_owned_fields(route, method, openapi):
    schema = request_schema(route, method, openapi)
    names = writable_names(schema, openapi) if schema else set()
    # Staff act across tenants, so a staff body may name the tenant it acts on.
    owned = SERVER_OWNED - {"tenant", "tenant_id"} if route.is_staff else SERVER_OWNED
    accepted = {n for n in names if n.rsplit(".", 1)[-1] in owned}
    assert not accepted, f"{method} {route} accepts server-owned fields {sorted(accepted)}"


# --- specific rules ---------------------------------------------------------------------


@pytest.fixture
def owner_client(member_client):
    return member_client(role=Role.OWNER)


@pytest.mark.parametrize("field", ["owner_phone", "contact_phone"])
@pytest.mark.parametrize("phone", ["12", "+1 555", "call me", "+999999999999999999", "+1415555"])
def test_bad_phone_numbers_are_field_errors(owner_client, tenant, field, phone):
    response = owner_client.patch("/api/v1/business-profile", {field: phone}, format="json")
    assert_field_error(response, field, phone)
    assert getattr(BusinessProfile.objects.get(tenant=tenant), field) == ""


def test_a_blank_legal_name_is_refused(owner_client):
    response = owner_client.put("/api/v1/business-profile", {"legal_name": ""}, format="json")
    assert_field_error(response, "legal_name", "blank")


def test_an_invalid_profile_saves_nothing(owner_client, tenant):
    response = owner_client.patch(
        "/api/v1/business-profile",
        {"industry": "retail", "website": "ftp:/nope", "contact_phone": "+14155550123"},
        format="json",
    )
    assert_field_error(response, "website", "url")
    profile = BusinessProfile.objects.get(tenant=tenant)
    assert (profile.industry, profile.contact_phone) == ("", "")


def test_server_owned_profile_fields_change_nothing(owner_client, tenant, other_tenant):
    response = owner_client.put(
        "/api/v1/business-profile",
        {
            "legal_name": "Acme",
            "tenant": other_tenant.pk,
            "id": 999,
            "verification_status": "verified",
            "verification_reason": "I said so",
            "verified_at": "2020-01-01T00:00:00Z",
            "verified_by": 1,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    profile = BusinessProfile.objects.get(tenant=tenant)
    assert profile.legal_name == "Acme"
    assert (profile.verification_status, profile.verification_reason) == ("pending", "")
    assert profile.verified_at is None and profile.verified_by is None
    assert BusinessProfile.objects.get(tenant=other_tenant).legal_name == other_tenant.name


def test_server_owned_member_fields_change_nothing(owner_client, tenant, other_tenant):
    response = owner_client.post(
        "/api/v1/members",
        {
            "email": "new@example.com",
            "tenant": other_tenant.pk,
            "is_staff": True,
            "is_superuser": True,
            "id": 999_999,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(pk=response.json()["id"])
    assert membership.pk != 999_999
    assert (membership.tenant, membership.role) == (tenant, Role.MEMBER)
    assert not membership.user.is_staff and not membership.user.is_superuser

    someone = MembershipFactory(tenant=tenant, role=Role.MEMBER)
    response = owner_client.patch(
        f"/api/v1/members/{membership.pk}",
        {"role": "viewer", "tenant": other_tenant.pk, "user": someone.user_id, "email": "x@y.z"},
        format="json",
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert (membership.role, membership.tenant, membership.user.email) == (
        Role.VIEWER,
        tenant,
        "new@example.com",
    )


def test_server_owned_api_key_fields_change_nothing(owner_client, tenant, other_tenant):
    response = owner_client.post(
        "/api/v1/api-keys",
        {
            "name": "ci",
            "tenant": other_tenant.pk,
            "hashed_key": "0" * 64,
            "prefix": "deadbeef",
            "revoked_at": "2020-01-01T00:00:00Z",
            "created_by": None,
            "id": 999_999,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    api_key = APIKey.objects.get(pk=response.json()["id"])
    assert api_key.tenant == tenant and api_key.is_active
    assert api_key.hashed_key != "0" * 64 and api_key.prefix != "deadbeef"
    assert api_key.created_by == owner_client.membership.user


def test_server_owned_tenant_fields_change_nothing(staff_user):
    client = APIClient()
    login_verified(client, staff_user)
    taken = TenantFactory()
    response = client.post(
        "/api/v1/staff/tenants",
        {
            "name": "Fresh Co",
            "owner_email": "o@fresh.example",
            "status": "suspended",
            "slug": taken.slug,
            "id": taken.pk,
            "verification_status": "verified",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    tenant = Tenant.objects.get(pk=response.json()["id"])
    assert tenant.pk != taken.pk
    assert (tenant.status, tenant.slug) == ("active", "fresh-co")
    assert tenant.profile.verification_status == "pending"


DEEP_JSON = "[" * 5000 + "]" * 5000
MANY_FIELDS = "&".join(f"field{i}=1" for i in range(1001))


@pytest.mark.parametrize(("route", "method"), BODY_ROUTES, ids=lambda v: str(v))
def test_oversized_bodies_are_refused_in_the_error_format(
    route, method, openapi, tenant, other_tenant, member_client, staff_user
):
    """JSON nested 5,000 deep (a RecursionError in the decoder) and more form fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent) are 400s, never 500s."""
    client, url = caller_and_url(route, tenant, other_tenant, member_client, staff_user)
    deep = send_raw(client, method, url, DEEP_JSON)
    many = client.generic(
        method, url, MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )
    if request_schema(route, method, openapi) is None:  # no body read: nothing to refuse
        assert deep.status_code < 500 and many.status_code < 500, (deep.content, many.content)
        return
    assert deep.status_code == 400, deep.content
    assert deep.json()["error"]["code"] == "parse_error"
    assert many.status_code == 400, many.content
    assert many.json()["error"]["code"] == "too_many_fields"
