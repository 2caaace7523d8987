"""`/metrics`: refused without the token or an allowed address, and counting what happens (a
message sent through the sandbox, a refused callback signature) without naming a tenant."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from isvplatform import metrics
from messaging.models import Message
from messaging.services import message_send
from messaging.tests.conftest import (
    HANDSET,
    advance,
    provision_tenant,
    rows_only,
    signed_post,
)
from messaging.tests.factories import MessageFactory
from sandbox import faults
from tenants.services import Actor

pytestmark = pytest.mark.django_db
TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def configured(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOW_IPS = []
    return settings


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


def scrape(**headers):
    return Client().get("/metrics", **headers)


def samples(**labels_wanted) -> dict[tuple[str, tuple], float]:
    """Every sample of an authorised scrape, by (name, sorted labels)."""
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(name: str, **labels) -> float:
    return samples().get((name, tuple(sorted(labels.items()))), 0.0)


def test_without_a_token_or_allowlist_metrics_does_not_exist(settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW_IPS = "", []
    assert scrape().status_code == 404
    assert scrape(HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_anonymous_and_wrong_tokens_are_refused(configured):
    assert scrape().status_code == 403
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}x").status_code == 403
    assert scrape(HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 403
    assert scrape(HTTP_AUTHORIZATION=TOKEN).status_code == 403


def test_the_right_token_gets_the_text_exposition(configured):
    response = scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert "# TYPE isv_messages_sent_total counter" in text
    assert "isv_outbox_oldest_age_seconds" in text and "isv_broadcasts_sending" in text


def test_an_allowed_address_needs_no_token(settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW_IPS = "", ["10.1.0.0/16"]
    assert Client(REMOTE_ADDR="10.1.2.3").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="10.2.0.1").get("/metrics").status_code == 403


def test_a_message_sent_through_the_sandbox_counts_as_sent_and_delivered(
    configured, tenant, django_capture_on_commit_callbacks
):
    provisioned = provision_tenant(tenant)
    sent_before = value("isv_messages_sent_total", channel="sms")
    delivered_before = value("isv_messages_delivered_total", channel="sms")
    calls_before = samples()
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(
            tenant=provisioned.tenant, to=HANDSET, body="Your order is ready", actor=Actor.system()
        )
    advance(5, rounds=4)
    message.refresh_from_db()
    assert message.status == "delivered"
    after = samples()
    assert value("isv_messages_sent_total", channel="sms") == sent_before + 1
    assert value("isv_messages_delivered_total", channel="sms") == delivered_before + 1
    create = "POST api/2010-04-01/Accounts/{id}/Messages.json"
    key = ("isv_twilio_requests_total", (("operation", create), ("outcome", "ok")))
    assert after[key] == calls_before.get(key, 0.0) + 1
    count_key = ("isv_twilio_request_duration_seconds_count", (("operation", create),))
    assert after[count_key] == calls_before.get(count_key, 0.0) + 1


def test_a_refused_twilio_signature_is_counted(configured, tenant):
    accounted = rows_only(tenant)
    message = MessageFactory(
        tenant=tenant,
        to_number=HANDSET,
        from_number=accounted.number.phone_number,
        account_sid=accounted.sub.sid,
        status="queued",
        status_rank=10,
    )
    labels = {"endpoint": "twilio_webhooks:status", "reason": "invalid_signature"}
    before = value("isv_callback_signature_failures_total", **labels)
    params = {"MessageSid": message.sid, "MessageStatus": "delivered"}
    params["AccountSid"] = accounted.sub.sid
    response = signed_post(Client(), "/webhooks/twilio/status", params, "not-the-token")
    assert response.status_code == 403
    assert value("isv_callback_signature_failures_total", **labels) == before + 1


def test_no_label_value_is_a_tenant_id_or_sid(
    configured, tenant, other_tenant, django_capture_on_commit_callbacks
):
    for owner in (tenant, other_tenant):
        provision_tenant(owner)
        with django_capture_on_commit_callbacks(execute=True):
            message_send(tenant=owner, to=HANDSET, body="hello", actor=Actor.system())
    advance(5, rounds=4)
    forbidden = {str(tenant.pk), str(other_tenant.pk), tenant.slug, other_tenant.slug}
    forbidden |= {sid for sid in Message.objects.values_list("sid", flat=True) if sid}
    assert len(forbidden) >= 6
    # The platform's own series (the client's python_gc ones have generation="1", "2").
    values = {v for name, labels in samples() if name.startswith("isv_") for _, v in labels}
    assert {"sms", "ok"} <= values
    assert not values & forbidden
    assert not any(v.startswith(("AC", "SM", "PN", "MG")) and len(v) == 34 for v in values)


@pytest.mark.parametrize(
    ("where", "operation"),
    [
        (
            "api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json",
            "POST api/2010-04-01/Accounts/{id}/Messages.json",
        ),
        ("lookups.twilio.com/v2/PhoneNumbers/+14155550100", "POST lookups/v2/PhoneNumbers/{id}"),
    ],
)
def test_twilio_operations_name_no_identifier(where, operation):
    assert metrics.twilio_operation("POST", where) == operation


MULTIPROCESS_SCRIPT = """
import multiprocessing, os, sys
import django
django.setup()
from isvplatform import metrics

def child():
    metrics.count_sent("whatsapp")
    metrics.observe_twilio_call("GET", "api.twilio.com/2010-04-01/Accounts.json", 200, 0.01)

workers = [multiprocessing.get_context("fork").Process(target=child) for _ in range(3)]
for w in workers:
    w.start()
for w in workers:
    w.join()
    metrics.process_exited(w.pid)
sys.stdout.write(metrics.exposition().decode())
"""


def test_multiprocess_mode_adds_up_every_processs_samples(tmp_path):
    """As under gunicorn and Celery's prefork pool: three processes count, a fourth scrapes."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, metrics.MULTIPROC_ENV: str(tmp_path / "samples")}
    # The scrape's database part meets an empty database of its own (and is left out).
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    (tmp_path / "samples").mkdir()
    env.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings_test")
    done = subprocess.run(
        [sys.executable, "-c", MULTIPROCESS_SCRIPT],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(done.stdout)
        for s in family.samples
    }
    assert found[("isv_messages_sent_total", (("channel", "whatsapp"),))] == 3
    operation = "GET api/2010-04-01/Accounts.json"
    assert found[("isv_twilio_requests_total", (("operation", operation), ("outcome", "ok")))] == 3
    assert list((tmp_path / "samples").glob("*.db"))


def test_an_operation_that_fails_open_is_counted_by_component():
    import redis
    from prometheus_client import REGISTRY

    from isvplatform import failopen

    def value() -> float:
        return REGISTRY.get_sample_value("isv_failopen_total", {"component": "quota"}) or 0.0

    before = value()
    failopen.record_failopen("quota", redis.exceptions.ConnectionError("refused"), "a take")
    assert value() == before + 1
