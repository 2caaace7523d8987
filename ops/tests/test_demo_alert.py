"""`manage.py demo_alert`: the demo tenant's failing deliveries open live alerts, the fault
is switched off again afterwards, and the command prints the page to look at."""

from io import StringIO

import pytest
from django.core.management import call_command

from messaging.tests.conftest import provision_tenant
from ops.models import Alert, AlertKind
from sandbox import faults
from tenants.tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def test_the_demo_command_opens_the_delivery_alerts(worker_alive, low_thresholds):
    tenant = TenantFactory(slug="demo-coffee", is_demo=True)
    provision_tenant(tenant)
    out = StringIO()
    call_command("demo_alert", stdout=out)
    text = out.getvalue()
    kinds = set(Alert.objects.filter(state="open").values_list("kind", flat=True))
    assert kinds == {AlertKind.DELIVERY_RATE, AlertKind.CARRIER_FILTERING}
    assert "Sent 7 SMS" in text
    assert "[Critical] Delivery rate dropping: Only 0% of 7 messages delivered" in text
    assert "/admin/ops/alerts/" in text
    assert faults.current().delivery_failure_rate == 0.0


def test_an_unknown_tenant_is_a_command_error(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No tenant 'nobody'"):
        call_command("demo_alert", "--tenant", "nobody")
