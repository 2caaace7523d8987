"""The widget's public endpoints: the publishable key, the Origin check and CORS."""

import pytest
from django.test import Client

from tenants.models import Tenant
from tenants.services import Actor, api_key_create
from verify.tests.factories import VerifyServiceFactory
from verify.widget.keys import widget_rotate_key, widget_update

SHOP = "https://shop.example"
CONFIG = "/verify/widget/v1/config"
START = "/verify/widget/v1/start"


@pytest.fixture
def service(db):
    service = VerifyServiceFactory(brand_name="Acme Coffee", default_locale="fr")
    return widget_update(
        service=service,
        data={"allowed_origins": [SHOP], "brand_color": "#112233"},
        actor=Actor.system(),
    )


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


def test_config_for_an_allowed_origin(browser, service):
    answer = browser.get(CONFIG, {"key": service.publishable_key}, HTTP_ORIGIN=SHOP)
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == SHOP
    assert "Origin" in answer["Vary"]
    assert "Access-Control-Allow-Credentials" not in answer
    assert not answer.cookies, "the widget sets no cookie"
    body = answer.json()
    assert body["brand_name"] == "Acme Coffee" and body["brand_color"] == "#112233"
    assert body["locale"] == "fr" and body["strings"]["send"] == "Envoyer le code"
    assert body["channels"] == ["sms"]
    assert (
        "token_secret" not in body and service.token_secret.reveal() not in answer.content.decode()
    )


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"HTTP_ORIGIN": "https://evil.example"}, "origin_not_allowed"),
        ({"HTTP_ORIGIN": "https://shop.example.evil.example"}, "origin_not_allowed"),
        ({"HTTP_ORIGIN": "http://shop.example"}, "origin_not_allowed"),
        ({"HTTP_ORIGIN": "null"}, "origin_required"),
        ({}, "origin_required"),
        ({"HTTP_REFERER": SHOP + "/checkout"}, "origin_required"),
    ],
)
def test_other_or_missing_origins_are_refused(browser, service, headers, code):
    answer = browser.get(CONFIG, {"key": service.publishable_key}, **headers)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == code
    assert "Access-Control-Allow-Origin" not in answer


def test_the_platforms_own_origin_may_use_the_key(browser, service):
    """The hosted page and the portal preview live on the platform's origin."""
    answer = browser.get(CONFIG, {"key": service.publishable_key}, HTTP_ORIGIN="http://testserver")
    assert answer.status_code == 200


@pytest.mark.parametrize("key", ["", "pk_test_nope", "isv_secretlooking"])
def test_bad_keys_are_401(browser, service, key):
    answer = browser.get(CONFIG, {"key": key}, HTTP_ORIGIN=SHOP)
    assert answer.status_code == 401
    assert answer.json()["error"] == {
        "code": "invalid_key",
        "message": "Unknown or rotated publishable key.",
        "fields": {"key": ["Unknown or rotated publishable key."]},
    }


def test_a_rotated_key_stops_working(browser, service):
    old = service.publishable_key
    widget_rotate_key(service=service, actor=Actor.system())
    assert browser.get(CONFIG, {"key": old}, HTTP_ORIGIN=SHOP).status_code == 401


def test_the_secret_api_key_is_no_publishable_key(browser, service):
    _key, raw = api_key_create(tenant=service.tenant, name="x", actor=Actor.system())
    answer = browser.get(CONFIG, {"key": raw}, HTTP_ORIGIN=SHOP, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 401


def test_preflight_for_an_allowed_origin(browser, service):
    answer = browser.options(
        f"{START}?key={service.publishable_key}",
        HTTP_ORIGIN=SHOP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert answer.status_code == 204
    assert answer["Access-Control-Allow-Origin"] == SHOP
    assert "POST" in answer["Access-Control-Allow-Methods"]
    assert answer["Access-Control-Allow-Headers"] == "Content-Type"


def test_preflight_for_another_origin_is_refused(browser, service):
    answer = browser.options(
        f"{START}?key={service.publishable_key}",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert answer.status_code == 403
    assert "Access-Control-Allow-Origin" not in answer


def test_post_from_another_origin_is_refused_before_anything_is_sent(browser, service):
    answer = browser.post(
        f"{START}?key={service.publishable_key}",
        data={"to": "+14155550100"},
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert answer.status_code == 403
    assert not service.attempts.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [("not json", None), ("[1]", None), ('{"to": 5}', "to"), ('{"to": ""}', "to")],
)
def test_bad_bodies_are_400_not_500(browser, service, body, field):
    answer = browser.post(
        f"{START}?key={service.publishable_key}",
        data=body,
        content_type="application/json",
        HTTP_ORIGIN=SHOP,
    )
    assert answer.status_code == 400
    assert answer["Access-Control-Allow-Origin"] == SHOP, "the page may read the error"
    if field:
        assert field in answer.json()["error"]["fields"]


def test_get_on_start_is_405(browser, service):
    answer = browser.get(START, {"key": service.publishable_key}, HTTP_ORIGIN=SHOP)
    assert answer.status_code == 405


def test_a_suspended_tenant_widget_is_refused(browser, service):
    Tenant.objects.filter(pk=service.tenant_id).update(status=Tenant.Status.SUSPENDED)
    answer = browser.get(CONFIG, {"key": service.publishable_key}, HTTP_ORIGIN=SHOP)
    assert answer.status_code == 403


def test_the_hosted_page(browser, service):
    page = browser.get(f"/verify/w/{service.publishable_key}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "verify/widget.js" in html and service.publishable_key in html
    assert "Acme Coffee" in html and 'lang="fr"' in html
    assert browser.get("/verify/w/pk_test_nope/").status_code == 404


def test_the_hosted_page_returns_only_to_allowed_origins(browser, service):
    key = service.publishable_key
    ok = browser.get(f"/verify/w/{key}/", {"return_to": SHOP + "/done?x=1"}).content.decode()
    assert 'data-return-to="https://shop.example/done?x=1"' in ok
    for bad in ("https://evil.example/", "https://user@shop.example/", "javascript:alert(1)"):
        html = browser.get(f"/verify/w/{key}/", {"return_to": bad}).content.decode()
        assert "data-return-to" not in html, bad
