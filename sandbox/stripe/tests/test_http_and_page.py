"""The local Stripe over HTTP (`/sandbox/stripe/v1/...`, the SDK's own HTTP client) and its
staff page of meters and meter events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from billing import stripe_meters
from sandbox.stripe.keys import secret_key
from sandbox.stripe.testing import meter_events
from tenants.tests.factories import TenantFactory
from twofactor.tests.helpers import login_verified


@pytest.mark.django_db(transaction=True)
def test_billing_reports_over_http(live_server, settings):
    settings.STRIPE_SANDBOX_URL = f"{live_server.url}/sandbox/stripe"
    tenant = TenantFactory(name="Over HTTP")
    with stripe_meters.connection() as client:
        assert type(client._requestor._client).__name__ == "RequestsClient"
        customer = stripe_meters.ensure_customer(tenant, client=client)
        meter = stripe_meters.ensure_meter("http_usage", client=client)
        assert stripe_meters.ensure_meter("http_usage", client=client) == meter
        assert stripe_meters.send_meter_event(
            event_name="http_usage",
            customer_id=customer,
            value=250,
            identifier="isv-http-1",
            timestamp=dt.datetime.now(tz=dt.UTC),
            client=client,
        )
    assert customer.startswith("cus_") and meter.startswith("mtr_")
    assert [(e.identifier, e.value) for e in meter_events()] == [("isv-http-1", 250)]


@pytest.mark.django_db
def test_http_api_needs_the_key_and_answers_stripe_errors():
    client = Client()
    response = client.get("/sandbox/stripe/v1/billing/meters")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
    response = client.get(
        "/sandbox/stripe/v1/customers/cus_missing", HTTP_AUTHORIZATION=f"Bearer {secret_key()}"
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"
    assert response["Request-Id"].startswith("req_")


@pytest.mark.django_db
def test_http_api_is_off_unless_stripe_runs_against_the_sandbox(settings):
    settings.STRIPE_MODE = "live"
    response = Client().get(
        "/sandbox/stripe/v1/billing/meters", HTTP_AUTHORIZATION=f"Bearer {secret_key()}"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_page_shows_meters_and_events_to_staff_without_keys(django_user_model):
    tenant = TenantFactory(name="Paging Co")
    customer = stripe_meters.ensure_customer(tenant)
    stripe_meters.ensure_meter("page_usage")
    stripe_meters.send_meter_event(
        event_name="page_usage",
        customer_id=customer,
        value=1234,
        identifier="isv-page-1",
        timestamp=dt.datetime.now(tz=dt.UTC),
    )
    staff = django_user_model.objects.create_user("staff", "s@example.com", "pw", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.9")
    login_verified(client, staff)
    page = client.get("/sandbox/stripe/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "page_usage" in html and "isv-page-1" in html and customer in html
    assert "Paging Co" in html and "1234" in html
    assert secret_key() not in html and "sk_test" not in html

    plain = django_user_model.objects.create_user("plain", "p@example.com", "pw")
    client.force_login(plain)
    assert client.get("/sandbox/stripe/").status_code in (302, 403)
