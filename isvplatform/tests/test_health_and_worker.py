import json

import pytest

from isvplatform.models import WorkerHeartbeat
from isvplatform.tasks import heartbeat_task
from isvplatform.testing.worker import wait_for


def test_healthz_reports_database_and_broker_ok(client, db):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


def test_healthz_answers_503_when_the_broker_is_down(client, db, monkeypatch):
    from celery import Celery

    from isvplatform import health

    monkeypatch.setattr(
        health, "celery_app", Celery(broker="redis://127.0.0.1:1/0", set_as_current=False)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"


@pytest.mark.integration
def test_a_real_worker_runs_a_task_sent_over_the_broker(celery_worker):
    heartbeat_task.delay("integration-check")
    beat = wait_for(lambda: WorkerHeartbeat.objects.filter(name="integration-check").first())
    assert beat.last_seen_at is not None
    assert "isvplatform.heartbeat" in celery_worker.log()
