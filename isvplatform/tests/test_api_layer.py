"""The API's shared layers refuse bad requests in the one error format, and the published
OpenAPI describes what the API answers."""

import json
import re

import pytest
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from isvplatform.api.parsers import MAX_JSON_DEPTH
from messaging.tests.factories import MessageFactory
from tenants.tests.factories import TenantFactory, make_api_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant():
    return TenantFactory()


@pytest.fixture
def key_api(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


@pytest.mark.parametrize("value", ["abc", "0", "-3", "1.5"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused(key_api, value):
    response = key_api.get("/api/v1/messages", {"page_size": value})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["page_size"]


def test_a_large_page_size_is_capped(tenant, key_api):
    for _ in range(3):
        MessageFactory(tenant=tenant)
    assert len(key_api.get("/api/v1/messages", {"page_size": "2"}).json()["results"]) == 2
    assert len(key_api.get("/api/v1/messages", {"page_size": "100000"}).json()["results"]) == 3


def test_json_nested_past_the_limit_is_a_parse_error(key_api):
    def nested(depth: int) -> dict:
        """A body nested `depth` levels deep (the body itself is the first)."""
        inner = depth - 1
        return {"to": "+14155550123", "content_variables": json.loads("[" * inner + "]" * inner)}

    response = key_api.post(
        "/api/v1/messages/estimate",
        json.dumps(nested(MAX_JSON_DEPTH)),
        content_type="application/json",
    )
    assert response.json().get("error", {}).get("code") != "parse_error"
    response = key_api.post(
        "/api/v1/messages/estimate",
        json.dumps(nested(MAX_JSON_DEPTH + 1)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_json_body_over_the_upload_limit_is_a_413(key_api):
    body = json.dumps({"to": "+14155550123", "body": "x" * 2000})
    response = key_api.post("/api/v1/messages/estimate", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_too_many_query_parameters_on_the_api_answer_the_error_format(key_api):
    query = "&".join(f"p{i}=1" for i in range(1001))
    response = key_api.get(f"/api/v1/messages?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "too_many_fields"


@pytest.fixture(scope="module")
def openapi(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_emails_that_may_be_blank_are_documented_so(openapi):
    profile = openapi["components"]["schemas"]["BusinessProfile"]["properties"]
    assert profile["contact_email"]["anyOf"] == [{"format": "email"}, {"maxLength": 0}]
    assert profile["website"]["anyOf"] == [{"format": "uri"}, {"maxLength": 0}]
    assert "format" not in profile["contact_email"]
    invite = openapi["components"]["schemas"]["MemberInviteRequest"]["properties"]
    assert invite["email"]["format"] == "email"  # required, so never blank


def test_every_paged_list_documents_the_invalid_cursor_404(openapi):
    paged = [
        (path, operation)
        for path, item in openapi["paths"].items()
        for method, operation in item.items()
        if method == "get" and any(p["name"] == "cursor" for p in operation.get("parameters", []))
    ]
    assert len(paged) > 5
    for path, operation in paged:
        assert "cursor" in operation["responses"]["404"]["description"], path
        size = next(p for p in operation["parameters"] if p["name"] == "page_size")
        assert size["schema"] == {"type": "integer", "minimum": 1}, path


@pytest.mark.parametrize(
    "component, field",
    [
        ("PhoneNumber", "phone_number"),
        ("PooledNumber", "phone_number"),
        ("OptOut", "number"),
        ("ConsentEvent", "number"),
    ],
)
def test_stored_numbers_are_documented_as_strict_e164(openapi, component, field):
    schema = openapi["components"]["schemas"][component]["properties"][field]
    if "anyOf" in schema:
        # Opt-outs and consent on channel email hold an address instead (issue 15).
        assert {"format": "email"} in schema["anyOf"]
        schema = next(option for option in schema["anyOf"] if "pattern" in option)
    assert schema["pattern"] == r"^\+[1-9]\d{1,14}$"
    pattern = re.compile(schema["pattern"])
    assert pattern.match("+14155550123") and pattern.match("+442071838750")
    for loose in ("14155550123", "+04155550123", "+1415555012345678", "+1 415 555 0123"):
        assert not pattern.match(loose), loose


def test_stored_numbers_match_the_documented_pattern(key_api):
    """What the API answers keeps the promise: an opt-out typed nationally is stored E.164."""
    created = key_api.post("/api/v1/opt-outs", {"number": "(415) 555-0123"}, format="json")
    assert created.status_code == 201, created.content
    assert re.match(r"^\+[1-9]\d{1,14}$", created.json()["number"])
