"""Staff change a condition's threshold, or switch it off, in the admin; the next
evaluation obeys (the settings stay the defaults)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from isvplatform.models import WorkerHeartbeat
from ops import services, thresholds
from ops.models import Alert, AlertKind, AlertThreshold

pytestmark = pytest.mark.django_db
KIND = AlertKind.WORKER_HEARTBEAT


def heartbeat_open() -> bool:
    return Alert.objects.filter(kind=KIND, state="open").exists()


def test_a_changed_threshold_decides_whether_the_alert_opens(settings):
    settings.OPS_ALERT_EMAILS = []
    WorkerHeartbeat.objects.update_or_create(
        name="worker", defaults={"last_seen_at": timezone.now() - timedelta(seconds=100)}
    )
    services.evaluate_all()
    assert not heartbeat_open()  # 100 s is within the default 180 s

    thresholds.ensure_rows()
    AlertThreshold.objects.filter(kind=KIND).update(threshold=60)
    assert KIND in services.evaluate_all().opened
    assert "more than 60 s" in Alert.objects.get(kind=KIND, state="open").summary

    AlertThreshold.objects.filter(kind=KIND).update(threshold=None)  # back to the setting
    assert KIND in services.evaluate_all().resolved

    AlertThreshold.objects.filter(kind=KIND).update(threshold=60, enabled=False)
    services.evaluate_all()
    assert not heartbeat_open()


def test_staff_edit_the_threshold_in_the_admin(admin_client, settings):
    settings.OPS_HEARTBEAT_MAX_AGE_SECONDS = 180
    page = admin_client.get("/admin/ops/alertthreshold/")
    assert page.status_code == 200
    assert AlertThreshold.objects.count() == len(thresholds.SETTINGS)
    assert "seconds without a heartbeat" in page.content.decode()
    row = AlertThreshold.objects.get(kind=KIND)
    response = admin_client.post(
        f"/admin/ops/alertthreshold/{row.pk}/change/", {"threshold": "45", "enabled": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert thresholds.limits()[KIND] == thresholds.Limit(45.0, True)
    refused = admin_client.post(
        f"/admin/ops/alertthreshold/{row.pk}/change/", {"threshold": "-1", "enabled": "on"}
    )
    assert refused.status_code == 200 and thresholds.threshold(KIND) == 45.0
