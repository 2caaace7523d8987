"""The widget's whole flow against the sandbox: send, the code from the handset, check, token."""

import pytest
from django.test import Client

from tenants.services import Actor, api_key_create
from verify.models import VerificationAttempt, WidgetToken
from verify.services import update_settings
from verify.tests.conftest import HANDSET, code_for, switch_on
from verify.widget.keys import widget_update

SHOP = "https://shop.example"


@pytest.fixture
def widget(verify_on):
    return widget_update(service=verify_on, data={"allowed_origins": [SHOP]}, actor=Actor.system())


def post(client, service, path, body, origin=SHOP, ip="198.51.100.7"):
    return client.post(
        f"/verify/widget/v1/{path}?key={service.publishable_key}",
        data=body,
        content_type="application/json",
        HTTP_ORIGIN=origin,
        REMOTE_ADDR=ip,
    )


def test_send_wrong_code_right_code_then_token_checked_once(widget, api_client):
    browser = Client(enforce_csrf_checks=True)
    sent = post(browser, widget, "start", {"to": HANDSET, "channel": "sms"})
    assert sent.status_code == 200, sent.content
    assert sent["Access-Control-Allow-Origin"] == SHOP
    body = sent.json()
    assert body["to"] == HANDSET and body["status"] == "pending"
    attempt = VerificationAttempt.objects.for_tenant(widget.tenant).get()
    assert attempt.source == "widget" and attempt.client_ip == "198.51.100.7"
    assert str(attempt.pk) != body["attempt"], "the browser gets a signed reference, not the id"

    code = code_for(HANDSET)
    wrong = "1" * len(code) if code != "1" * len(code) else "2" * len(code)
    miss = post(browser, widget, "check", {"attempt": body["attempt"], "code": wrong})
    assert miss.status_code == 200 and miss.json()["valid"] is False
    assert "token" not in miss.json()

    hit = post(browser, widget, "check", {"attempt": body["attempt"], "code": code})
    assert hit.status_code == 200, hit.content
    result = hit.json()
    assert result["valid"] is True and result["phone"] == HANDSET
    token = result["token"]
    assert WidgetToken.objects.for_tenant(widget.tenant).get().origin == SHOP

    _key, raw = api_key_create(tenant=widget.tenant, name="backend", actor=Actor.system())
    url = "/api/v1/verifications/tokens/verify"
    checked = api_client.post(
        url, {"token": token}, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert checked.status_code == 200 and checked.json()["phone"] == HANDSET
    again = api_client.post(
        url, {"token": token}, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert again.status_code == 409


def test_a_reference_is_bound_to_its_key(widget, other_tenant, on_commit):
    other = switch_on(other_tenant, on_commit, brand_name="Other Shop")
    other = widget_update(service=other, data={"allowed_origins": [SHOP]}, actor=Actor.system())
    browser = Client()
    ref = post(browser, widget, "start", {"to": HANDSET}).json()["attempt"]
    stolen = post(browser, other, "check", {"attempt": ref, "code": code_for(HANDSET)})
    assert stolen.status_code == 400 and stolen.json()["error"]["fields"] == {
        "attempt": ["Unknown verification."]
    }
    forged = post(browser, widget, "check", {"attempt": ref + "x", "code": "123456"})
    assert forged.status_code == 400


def test_email_is_not_a_widget_channel(widget):
    answer = post(Client(), widget, "start", {"to": "a@example.com", "channel": "email"})
    assert answer.status_code == 400
    assert "channel" in answer.json()["error"]["fields"]


def test_the_platforms_per_ip_limit_applies_to_the_widget(widget, on_commit):
    on_commit(update_settings, widget, per_ip_hourly_limit=1)
    browser = Client()
    assert post(browser, widget, "start", {"to": HANDSET}).status_code == 200
    refused = post(browser, widget, "start", {"to": "+14155550102"})
    assert refused.status_code == 429, refused.content
    assert refused["Access-Control-Allow-Origin"] == SHOP
    assert refused.json()["error"]["code"]
