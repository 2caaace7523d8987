import pytest
from django.utils import timezone

from isvplatform.models import WorkerHeartbeat


@pytest.fixture
def worker_alive(db):
    """A worker that reported just now (so only the condition under test holds)."""
    return WorkerHeartbeat.objects.update_or_create(
        name="worker", defaults={"last_seen_at": timezone.now()}
    )[0]


@pytest.fixture
def low_thresholds(settings):
    """Small volumes fire the rate conditions (the defaults want tens of messages)."""
    settings.OPS_DELIVERY_MIN_MESSAGES = 4
    settings.OPS_CARRIER_FILTER_MAX = 3
    settings.OPS_SIGNATURE_FAILURES_MAX = 2
    settings.OPS_WEBHOOK_FAILED_ATTEMPTS = 3
    settings.OPS_ALERT_EMAILS = []
    return settings
