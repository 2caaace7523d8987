"""The sandbox clock, its command and task, and fault injection."""

import base64
import json

import pytest
from django.core.management import call_command
from django.test import Client as DjangoClient

from sandbox import clock, faults
from sandbox.core.models import Callback, CallbackAttempt
from sandbox.tasks import advance_clock_task
from sandbox.testing import error_of

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def basic(sid, token):
    return "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()


def test_advance_moves_only_forward():
    start = clock.now()
    assert (clock.advance(90).now - start).total_seconds() == 90
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_command_and_task_move_the_clock(sub, number, capsys):
    message = sub.client.messages.create(to=HANDSET, from_=number.phone_number, body="x")
    call_command("sandbox_advance", "--seconds", "10")
    assert "3 transitions" in capsys.readouterr().out
    assert sub.client.messages(message.sid).fetch().status == "delivered"
    before = clock.now()
    advance_clock_task.delay()
    assert clock.now() >= before


def test_beat_schedule_runs_the_task_in_sandbox_mode(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sandbox-advance"]
    assert entry["task"] == "sandbox.tasks.advance_clock_task"
    assert entry["schedule"] == 3.0


def test_clock_endpoint_needs_master_credentials(master):
    client = DjangoClient()
    assert client.post("/sandbox/clock", {"seconds": 5}).status_code == 401
    before = clock.now()
    response = client.post(
        "/sandbox/clock", {"seconds": 5}, HTTP_AUTHORIZATION=basic(master.sid, master.token)
    )
    assert response.status_code == 200
    assert (clock.now() - before).total_seconds() == 5


def test_429_and_500_faults(sub):
    with faults.injected(rate_429=1.0):
        assert error_of(lambda: sub.client.messages.list()) == (429, 20429)
    with faults.injected(rate_500=1.0):
        assert error_of(lambda: sub.client.api.v2010.accounts(sub.sid).fetch()) == (500, 20500)
    assert sub.client.messages.list() == []


def test_a_500_after_the_write_keeps_what_the_write_created(sub, number):
    with faults.injected(rate_500_after_write=1.0, path_pattern=r"/Messages\.json$"):
        send = lambda: sub.client.messages.create(  # noqa: E731
            to=HANDSET, from_=number.phone_number, body="lost answer"
        )
        assert error_of(send) == (500, 20500)
        # Reads are answered: only writes lose their answer.
        created = sub.client.messages.list(to=HANDSET)
    assert [m.body for m in created] == ["lost answer"]


def test_faults_can_target_paths(sub):
    with faults.injected(rate_429=1.0, path_pattern=r"/Messages\.json$"):
        assert error_of(lambda: sub.client.messages.list()) == (429, 20429)
        assert sub.client.incoming_phone_numbers.list() == []


def test_fault_share_is_honoured_with_a_seed(sub):
    with faults.injected(rate_500=0.5, seed=7):
        outcomes = []
        for _ in range(40):
            try:
                sub.client.api.v2010.accounts(sub.sid).fetch()
                outcomes.append(True)
            except Exception:
                outcomes.append(False)
    assert 5 < outcomes.count(False) < 35


def test_latency_setting_is_applied(sub):
    with faults.injected(latency_ms=1):
        assert sub.client.messages.list() == []
    assert faults.current().latency_ms == 0


def test_configure_validates():
    with pytest.raises(ValueError):
        faults.configure(rate_429=2)
    with pytest.raises(ValueError):
        faults.configure(teleport=1)


def test_dropped_callbacks_never_arrive(sub, number, hook_url, hooks):
    with faults.injected(drop_callbacks=1.0):
        sub.client.messages.create(
            to=HANDSET, from_=number.phone_number, body="x", status_callback=hook_url("s")
        )
        clock.advance(10)
    assert hooks.named("s") == []
    assert set(CallbackAttempt.objects.values_list("outcome", flat=True)) == {"dropped"}
    assert set(Callback.objects.values_list("status", flat=True)) == {"dropped"}


def test_duplicated_callbacks_arrive_twice(sub, number, hook_url, hooks):
    with faults.injected(duplicate_callbacks=1.0):
        sub.client.messages.create(
            to=HANDSET, from_=number.phone_number, body="x", status_callback=hook_url("s")
        )
        clock.advance(10)
    statuses = [h.params["MessageStatus"][0] for h in hooks.named("s")]
    assert statuses == ["sending", "sending", "sent", "sent", "delivered", "delivered"]


def test_reordered_callbacks_arrive_out_of_order(sub, number, hook_url, hooks):
    with faults.injected(reorder_callbacks=1.0):
        sub.client.messages.create(
            to=HANDSET, from_=number.phone_number, body="x", status_callback=hook_url("s")
        )
        clock.advance(10)
    statuses = [h.params["MessageStatus"][0] for h in hooks.named("s")]
    assert statuses == ["delivered", "sent", "sending"]


def test_faults_endpoint(master):
    client = DjangoClient()
    auth = {"HTTP_AUTHORIZATION": basic(master.sid, master.token)}
    assert client.get("/sandbox/faults").status_code == 401
    response = client.post(
        "/sandbox/faults", json.dumps({"rate_429": 0.25}), "application/json", **auth
    )
    assert response.json()["rate_429"] == 0.25
    assert faults.current().rate_429 == 0.25
    assert client.post("/sandbox/faults", {"rate_429": 5}, **auth).status_code == 400
    assert client.delete("/sandbox/faults", **auth).json()["rate_429"] == 0.0
