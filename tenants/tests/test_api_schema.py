"""The OpenAPI document: generated without warnings, valid, and covering every API route."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from isvplatform.testing.tenancy import api_routes

HTTP_METHODS = {"get", "put", "patch", "delete", "post"}


@pytest.fixture(scope="module")
def generated():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = (dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache))
    GENERATOR_STATS.reset()
    return schema, problems


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_the_schema_generates_without_warnings_or_errors(generated):
    schema, (warnings, errors) = generated
    assert warnings == {}
    assert errors == {}
    validate_schema(schema)


def test_every_api_route_and_method_is_documented(generated):
    schema, _ = generated
    for route in api_routes():
        item = schema["paths"].get(route.openapi_path())
        assert item is not None, f"{route} is not in the schema"
        assert {m.lower() for m in route.methods} <= set(item), route


def test_operations_have_stable_ids_and_full_responses(generated):
    schema, _ = generated
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids))
    error_ref = "#/components/schemas/Error"
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), where
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert success, where
        for code in success:
            if code != "204":
                content = responses[code]["content"].values()
                assert all(media.get("schema") for media in content), where
        for code in ("401", "403", "429"):
            assert responses[code]["content"]["application/json"]["schema"]["$ref"] == error_ref
        if method in ("post", "put", "patch") and "requestBody" in operation:
            assert "400" in responses, where
        if "{" in path:
            assert "404" in responses, where


def test_the_schema_and_docs_are_served(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/members/{id}" in body["paths"]
    assert {"apiKey", "cookieAuth"} <= set(body["components"]["securitySchemes"])

    docs = api_client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
