"""The widget's settings through the API: read, change (validated), rotate; tenant-scoped."""

import pytest

from tenants.services import Actor, api_key_create
from verify.tests.factories import VerifyServiceFactory

URL = "/api/v1/verify/widget"


def auth(tenant, scopes=("write",)):
    _key, raw = api_key_create(tenant=tenant, name="k", scopes=list(scopes), actor=Actor.system())
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def service(db):
    return VerifyServiceFactory()


def test_patch_creates_the_key_and_validates_origins(api_client, service):
    headers = auth(service.tenant)
    answer = api_client.patch(
        URL, {"allowed_origins": ["https://x.example/"]}, format="json", **headers
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["allowed_origins"] == ["https://x.example"]
    assert body["publishable_key"].startswith("pk_test_")
    bad = api_client.patch(URL, {"allowed_origins": ["x.example"]}, format="json", **headers)
    assert bad.status_code == 400 and "allowed_origins" in bad.json()["error"]["fields"]
    color = api_client.patch(URL, {"brand_color": "red"}, format="json", **headers)
    assert color.status_code == 400 and "brand_color" in color.json()["error"]["fields"]


def test_rotate_key_and_read(api_client, service):
    headers = auth(service.tenant)
    first = api_client.patch(URL, {"brand_color": "#000000"}, format="json", **headers).json()
    rotated = api_client.post(URL + "/rotate-key", **headers).json()
    assert rotated["publishable_key"] != first["publishable_key"]
    assert api_client.get(URL, **headers).json()["publishable_key"] == rotated["publishable_key"]


def test_read_only_keys_may_not_change_and_no_service_answers_defaults(
    api_client, service, other_tenant
):
    read_only = auth(service.tenant, scopes=("read",))
    assert api_client.get(URL, **read_only).status_code == 200
    assert (
        api_client.patch(URL, {"brand_color": "#000000"}, format="json", **read_only).status_code
        == 403
    )
    before = api_client.get(URL, **auth(other_tenant))
    assert before.status_code == 200 and before.json()["publishable_key"] is None
    refused = api_client.patch(URL, {"brand_color": "#000000"}, format="json", **auth(other_tenant))
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "verify_disabled"
