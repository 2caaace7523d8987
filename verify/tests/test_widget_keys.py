"""The widget's settings: origins validated and normalized, keys created and rotated, audited."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import AuditEvent
from tenants.services import Actor
from verify.tests.factories import VerifyServiceFactory
from verify.widget.keys import (
    normalize_origin,
    service_for_key,
    widget_enable,
    widget_rotate_key,
    widget_rotate_secret,
    widget_update,
)


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://Shop.Example.com", "https://shop.example.com"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("https://shop.example.com:443", "https://shop.example.com"),
        ("http://localhost:8001", "http://localhost:8001"),
        ("http://127.0.0.1:80", "http://127.0.0.1"),
        ("http://[::1]:8001", "http://[::1]:8001"),
        ("https://xn--bcher-kva.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_normalized_as_browsers_send_them(raw, origin):
    assert normalize_origin(raw) == origin


@pytest.mark.parametrize(
    "raw",
    [
        "shop.example.com",
        "ftp://shop.example.com",
        "https://shop.example.com/checkout",
        "https://shop.example.com?x=1",
        "https://user@shop.example.com",
        "https://shop.example.com:99999",
        "https://",
        "*",
        "https://a b.example",
        "https://shop_.example",
        "https://bücher.example",
        "https://-x.example",
    ],
)
def test_anything_but_scheme_host_port_is_refused(raw):
    with pytest.raises(ValueError):
        normalize_origin(raw)


def test_update_validates_and_audits_and_creates_the_key(db):
    service = VerifyServiceFactory()
    assert not service.publishable_key
    with pytest.raises(ValidationError) as err:
        widget_update(
            service=service,
            data={"allowed_origins": ["https://ok.example", "https://bad.example/path"]},
            actor=Actor.system(),
        )
    assert "allowed_origins" in err.value.message_dict
    assert "bad.example/path" in err.value.message_dict["allowed_origins"][0]

    service = widget_update(
        service=service,
        data={
            "allowed_origins": ["https://OK.example", "https://ok.example/", "", "http://x:8001"],
            "logo_url": "https://ok.example/logo.png",
            "brand_color": "#AA00FF",
        },
        actor=Actor.system(),
    )
    service.refresh_from_db()
    assert service.allowed_origins == ["https://ok.example", "http://x:8001"]
    assert service.brand_color == "#aa00ff"
    assert service.publishable_key.startswith("pk_test_")
    assert service.token_secret.reveal()
    event = AuditEvent.objects.get(tenant=service.tenant, action="verify_widget.updated")
    assert event.changes["allowed_origins"]["to"] == ["https://ok.example", "http://x:8001"]
    assert service.token_secret.reveal() not in str(event.changes)


@pytest.mark.parametrize(
    ("field", "value"),
    [("brand_color", "blue"), ("brand_color", "#12345"), ("logo_url", "javascript:alert(1)")],
)
def test_bad_look_is_refused_naming_the_field(db, field, value):
    service = VerifyServiceFactory()
    with pytest.raises(ValidationError) as err:
        widget_update(service=service, data={field: value}, actor=Actor.system())
    assert list(err.value.message_dict) == [field]


def test_rotating_the_key_retires_the_old_one(db):
    service = widget_enable(service=VerifyServiceFactory(), actor=Actor.system())
    old = service.publishable_key
    assert service_for_key(old) == service
    service = widget_rotate_key(service=service, actor=Actor.system())
    assert service.publishable_key != old
    assert service_for_key(old) is None
    assert service_for_key(service.publishable_key) == service
    actions = set(AuditEvent.objects.filter(tenant=service.tenant).values_list("action", flat=True))
    assert {"verify_widget.key_created", "verify_widget.key_rotated"} <= actions


def test_rotating_the_secret_returns_it_once_and_audits(db):
    service = widget_enable(service=VerifyServiceFactory(), actor=Actor.system())
    before = service.token_secret.reveal()
    service, secret = widget_rotate_secret(service=service, actor=Actor.system())
    service.refresh_from_db()
    assert secret != before and service.token_secret.reveal() == secret
    event = AuditEvent.objects.get(action="verify_widget.secret_rotated")
    assert secret not in str(event.changes)


@pytest.mark.parametrize("key", ["", "isv_abc", "pk_test_" + "x" * 80, "pk_test_unknown"])
def test_unknown_keys_find_nothing(db, key):
    widget_enable(service=VerifyServiceFactory(), actor=Actor.system())
    assert service_for_key(key) is None
