"""The sandbox's fault injection turned on, messages sent through the real path (the
sandbox fails their delivery and calls back), then one evaluation: the staff alert page
shows the live alerts, and staff got their email."""

import pytest
from django.core import mail
from django.test import Client

from messaging.services import message_send
from messaging.tests.conftest import HANDSET, advance, provision_tenant
from ops import services
from ops.models import Alert, AlertKind
from sandbox import faults
from tenants.services import Actor
from tenants.tests.factories import UserFactory
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
FILTERED = "+15005550013"  # the sandbox's magic number: undelivered, 30007 (carrier filtered)


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


def send(tenant, to: str, count: int, capture) -> None:
    for i in range(count):
        with capture(execute=True):
            message_send(tenant=tenant, to=to, body=f"Order {i} is ready", actor=Actor.system())


def test_failing_deliveries_raise_live_alerts_on_the_staff_page(
    tenant, worker_alive, low_thresholds, django_capture_on_commit_callbacks
):
    staff = UserFactory(is_staff=True, email="oncall@example.com")
    provisioned = provision_tenant(tenant)
    assert services.evaluate_all().opened == []

    faults.configure(delivery_failure_rate=1.0)
    send(provisioned.tenant, HANDSET, 5, django_capture_on_commit_callbacks)
    send(provisioned.tenant, FILTERED, 3, django_capture_on_commit_callbacks)
    advance(5, rounds=4)

    result = services.evaluate_all()
    assert sorted(result.opened) == [AlertKind.CARRIER_FILTERING, AlertKind.DELIVERY_RATE]
    rate = Alert.objects.get(kind=AlertKind.DELIVERY_RATE)
    assert rate.details == {"delivered": 0, "failed": 8, "rate_percent": 0.0}
    assert Alert.objects.get(kind=AlertKind.CARRIER_FILTERING).details == {
        "by_error_code": {"30007": 3}
    }
    assert sorted(m.subject for m in mail.outbox) == [
        "[Critical] Carrier-filtering errors spiking",
        "[Critical] Delivery rate dropping",
    ]

    client = Client()
    login_verified(client, staff)
    page = client.get("/admin/ops/alerts/").content.decode()
    assert "Delivery rate dropping" in page
    assert "Only 0% of 8 messages delivered in the last 15 minutes" in page
    assert "Carrier-filtering errors spiking" in page
    assert "ops-severity-critical" in page
    assert "All clear" not in page
