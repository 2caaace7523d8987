"""A real worker's log lines carry the id of the request that enqueued its task: the id
travels in the task's headers to another process, not through a shared context."""

import json

import pytest
from django.test import Client

from isvplatform.testing.worker import wait_for
from messaging.models import Message
from messaging.tests.conftest import HANDSET, provision_tenant
from tenants.tests.factories import make_api_key

pytestmark = pytest.mark.integration
BODY = "Walrus-sonata-2290"


def json_lines(text: str) -> list[dict]:
    lines = []
    for raw in text.splitlines():
        try:
            line = json.loads(raw)
        except ValueError:
            continue  # the worker's start banner
        if isinstance(line, dict):
            lines.append(line)
    return lines


def test_a_worker_logs_the_send_with_the_request_id_that_enqueued_it(celery_worker_factory, tenant):
    worker = celery_worker_factory({"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"})
    provision_tenant(tenant)
    _, raw_key = make_api_key(tenant)
    answer = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}").post(
        "/api/v1/messages",
        {"to": HANDSET, "body": BODY},
        content_type="application/json",
        HTTP_X_REQUEST_ID="edge-worker-req-42",
    )
    assert answer.status_code == 201, answer.content
    message_id = answer.json()["id"]
    wait_for(lambda: Message.objects.filter(pk=message_id).exclude(sid="").exists(), timeout=60)

    def of_request():
        lines = json_lines(worker.log())
        ours = [line for line in lines if line.get("request_id") == "edge-worker-req-42"]
        return ours if any(line["event"] == "task_succeeded" for line in ours) else None

    of_request = wait_for(of_request, timeout=30)
    events = {line["event"] for line in of_request}
    assert {"task_started", "task_succeeded"} <= events, of_request
    assert all(line["tenant_id"] == tenant.pk and line.get("task_id") for line in of_request)
    gateway = [line for line in of_request if line["logger"].startswith("isvplatform.gateway")]
    assert gateway and all(line["message_id"] == message_id for line in gateway)
    assert BODY not in worker.log()
