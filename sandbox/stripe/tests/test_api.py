"""The real `stripe` SDK against the local Stripe, in process: customers, meters, meter
events and their summaries, errors and idempotency as Stripe answers them."""

from __future__ import annotations

import time

import pytest
import stripe

from sandbox.stripe.testing import meter_events, sdk_client

pytestmark = pytest.mark.django_db

METER = {
    "display_name": "Usage",
    "event_name": "usage_cents",
    "default_aggregation": {"formula": "sum"},
    "customer_mapping": {"event_payload_key": "stripe_customer_id", "type": "by_id"},
    "value_settings": {"event_payload_key": "value"},
}


def minute(offset: int = 0) -> int:
    return (int(time.time()) // 60) * 60 + offset


@pytest.fixture
def client():
    return sdk_client()


@pytest.fixture
def customer(client):
    return client.v1.customers.create({"name": "Acme", "metadata": {"tenant_id": "7"}})


@pytest.fixture
def meter(client):
    return client.v1.billing.meters.create(METER)


def test_customer_create_and_retrieve(client, customer):
    assert customer.id.startswith("cus_") and customer.object == "customer"
    assert customer.name == "Acme" and customer.metadata == {"tenant_id": "7"}
    assert customer.livemode is False
    fetched = client.v1.customers.retrieve(customer.id)
    assert fetched.id == customer.id and fetched.metadata["tenant_id"] == "7"


def test_unknown_customer_is_404_resource_missing(client):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.customers.retrieve("cus_nothere")
    assert excinfo.value.http_status == 404
    assert excinfo.value.code == "resource_missing" and excinfo.value.param == "id"
    assert "No such customer: 'cus_nothere'" in excinfo.value.user_message


def test_meter_create_list_and_duplicate_event_name(client, meter):
    assert meter.id.startswith("mtr_") and meter.object == "billing.meter"
    assert meter.default_aggregation.formula == "sum" and meter.status == "active"
    assert meter.customer_mapping.event_payload_key == "stripe_customer_id"
    listed = client.v1.billing.meters.list({"status": "active"})
    assert [m.id for m in listed.auto_paging_iter()] == [meter.id]
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meters.create(METER)
    assert excinfo.value.http_status == 400 and excinfo.value.param == "event_name"


def test_meter_list_pages(client):
    ids = {client.v1.billing.meters.create({**METER, "event_name": f"e{n}"}).id for n in range(5)}
    page = client.v1.billing.meters.list({"limit": 2})
    assert len(page.data) == 2 and page.has_more is True
    assert {m.id for m in page.auto_paging_iter()} == ids


def test_meter_create_names_a_missing_param(client):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meters.create({"display_name": "x", "event_name": "y"})
    assert excinfo.value.param == "default_aggregation"
    assert excinfo.value.code == "parameter_missing"


def test_unknown_parameter_is_refused(client):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.customers.create({"nmae": "typo"})
    assert excinfo.value.code == "parameter_unknown" and excinfo.value.param == "nmae"


def test_meter_events_are_summed_per_customer(client, customer, meter):
    other = client.v1.customers.create({"name": "Other"})
    start = minute(-600)
    for n, (who, value) in enumerate([(customer, 1200), (customer, 300), (other, 99)]):
        event = client.v1.billing.meter_events.create(
            {
                "event_name": "usage_cents",
                "payload": {"stripe_customer_id": who.id, "value": str(value)},
                "identifier": f"id-{n}",
                "timestamp": start + 60 + n,
            }
        )
        assert event.object == "billing.meter_event" and event.identifier == f"id-{n}"
    summaries = client.v1.billing.meters.event_summaries.list(
        meter.id, {"customer": customer.id, "start_time": start, "end_time": minute(60)}
    )
    assert [s.aggregated_value for s in summaries.data] == [1500.0]
    assert summaries.data[0].object == "billing.meter_event_summary"
    assert summaries.data[0].meter == meter.id


def test_a_repeated_identifier_does_not_count_twice(client, customer, meter):
    params = {
        "event_name": "usage_cents",
        "payload": {"stripe_customer_id": customer.id, "value": "500"},
        "identifier": "isv-once",
    }
    client.v1.billing.meter_events.create(params)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meter_events.create(params)
    assert excinfo.value.param == "identifier"
    assert excinfo.value.code == "resource_already_exists"
    assert len(meter_events(identifier="isv-once")) == 1
    summaries = client.v1.billing.meters.event_summaries.list(
        meter.id, {"customer": customer.id, "start_time": minute(-60), "end_time": minute(120)}
    )
    assert summaries.data[0].aggregated_value == 500.0


def test_idempotency_key_replays_the_first_answer(client, customer, meter):
    params = {
        "event_name": "usage_cents",
        "payload": {"stripe_customer_id": customer.id, "value": "7"},
        "identifier": "isv-key",
    }
    first = client.v1.billing.meter_events.create(params, {"idempotency_key": "k1"})
    again = client.v1.billing.meter_events.create(params, {"idempotency_key": "k1"})
    assert again.identifier == first.identifier and again.created == first.created
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(meter_events()) == 1
    with pytest.raises(stripe.IdempotencyError) as excinfo:
        client.v1.billing.meter_events.create(
            {**params, "payload": {"stripe_customer_id": customer.id, "value": "8"}},
            {"idempotency_key": "k1"},
        )
    assert excinfo.value.http_status == 400


def test_unknown_event_name_and_customer_are_errors(client, customer, meter):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meter_events.create(
            {"event_name": "nope", "payload": {"stripe_customer_id": customer.id, "value": "1"}}
        )
    assert excinfo.value.param == "event_name"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meter_events.create(
            {"event_name": "usage_cents", "payload": {"stripe_customer_id": "cus_x", "value": "1"}}
        )
    assert excinfo.value.param == "payload[stripe_customer_id]"
    assert excinfo.value.code == "resource_missing"
    assert meter_events() == []


def test_timestamps_older_than_35_days_are_refused(client, customer, meter):
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.billing.meter_events.create(
            {
                "event_name": "usage_cents",
                "payload": {"stripe_customer_id": customer.id, "value": "1"},
                "timestamp": int(time.time()) - 36 * 86400,
            }
        )
    assert excinfo.value.param == "timestamp"


def test_an_unknown_key_is_401_without_the_key(customer):
    bad = "sk_test_" + "b" * 40
    with pytest.raises(stripe.AuthenticationError) as excinfo:
        sdk_client(bad).v1.customers.retrieve(customer.id)
    assert excinfo.value.http_status == 401
    assert bad not in str(excinfo.value) and "bbbb" in str(excinfo.value)
