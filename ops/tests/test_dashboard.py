"""The staff alert page and the Alert admin: staff only, live (the panel polls), and the
acknowledge action."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from isvplatform.models import WorkerHeartbeat
from ops import services
from ops.models import Alert, AlertKind
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def open_alert(kind=AlertKind.TENANT_WEBHOOKS, severity="warning", **extra) -> Alert:
    return Alert.objects.create(
        kind=kind, severity=severity, summary="2 tenant webhook endpoints failing", **extra
    )


def test_only_staff_see_the_page(client, owner):
    assert client.get("/admin/ops/alerts/").status_code == 302
    client.force_login(owner)
    response = client.get("/admin/ops/alerts/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_open_alerts_worst_first_and_resolved_ones_below(admin_client, worker_alive):
    services.evaluate_all()
    open_alert()
    open_alert(AlertKind.OUTBOX_AGE, "critical")
    Alert.objects.create(
        kind=AlertKind.DELIVERY_RATE,
        severity="critical",
        summary="Only 40% delivered",
        state="resolved",
        resolved_at=timezone.now() - timedelta(hours=1),
    )
    page = admin_client.get("/admin/ops/alerts/").content.decode()
    assert page.index("Outbox not draining") < page.index("Tenant webhook endpoints failing")
    assert page.index("Tenant webhook endpoints failing") < page.index("Resolved in the last")
    assert page.index("Resolved in the last") < page.index("Delivery rate dropping")
    assert 'hx-trigger="every 10s"' in page and "js/htmx.min.js" in page


def test_the_panel_alone_answers_the_poll(admin_client, worker_alive):
    services.evaluate_all()
    panel = admin_client.get("/admin/ops/alerts/", {"panel": "1"}).content.decode()
    assert panel.startswith('<div id="ops-alerts"')
    assert "All clear: no condition holds." in panel
    assert "<html" not in panel


def test_a_stale_evaluation_is_redone_by_the_page(admin_client):
    """Beat or the worker down: the page evaluates itself and shows the lost heartbeat."""
    cache.delete(services.LAST_EVALUATED_KEY)
    WorkerHeartbeat.objects.create(
        name="worker", last_seen_at=timezone.now() - timedelta(minutes=30)
    )
    page = admin_client.get("/admin/ops/alerts/").content.decode()
    assert "Worker heartbeat lost" in page and "last seen 30 minutes ago" in page


def test_the_admin_lists_alerts_and_acknowledges_them(admin_client):
    alert = open_alert()
    listing = admin_client.get("/admin/ops/alert/")
    assert listing.status_code == 200
    assert "Tenant webhook endpoints failing" in listing.content.decode()
    assert admin_client.get(f"/admin/ops/alert/{alert.pk}/change/").status_code == 200
    admin_client.post(
        "/admin/ops/alert/", {"action": "acknowledge", "_selected_action": [alert.pk]}
    )
    alert.refresh_from_db()
    assert alert.acknowledged_by.is_staff and alert.acknowledged_at is not None
    assert "/admin/ops/alerts/" in admin_client.get("/admin/").content.decode()


def test_the_page_is_not_for_tenant_members_even_staff_of_none(client):
    member = MembershipFactory().user
    client.force_login(member)
    assert client.get("/admin/ops/alerts/", {"panel": "1"}).status_code == 302
