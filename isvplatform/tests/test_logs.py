"""Structured logs: the redaction rules, the request id, and real flows (provisioning, an API
send, an inbound webhook, a sign-in) whose formatted log output carries no secret and no
message body."""

import ast
import logging
import uuid

import pytest
import structlog
from celery.signals import before_task_publish
from django.conf import settings
from django.test import Client

from isvplatform.celery import _log_context
from isvplatform.celery import app as celery_app
from isvplatform.crypto import Secret
from isvplatform.logs import REDACTED, mask_text, redact
from isvplatform.request_id import accepted_request_id
from isvplatform.testing.logs import captured_logs
from messaging.models import Message
from messaging.tests.conftest import HANDSET, advance, provision_tenant, signed_post
from tenants.tests.factories import TEST_PASSWORD, UserFactory, make_api_key

TOKEN = "0123456789abcdef0123456789abcdef"
SID = "AC" + TOKEN


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"fetched with token {TOKEN}", TOKEN),
        ("Authorization: Bearer isv_0a1b2c3d_Zx9-kQwErTyUiOpAsDfGhJkL", "Zx9-kQwErTyUiOpAsDfGhJkL"),
        ("key isvp_0a1b2c3d_Zx9kQwErTyUiOpAsDfGhJkLzz in a message", "Zx9kQwErTyUiOpAsDfGhJkLzz"),
        ("stripe sk_live_51HqLyjWDarjtT1zdp7dc", "51HqLyjWDarjtT1zdp7dc"),
        ("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        ("GET /x?password=hunter2&page=2", "hunter2"),
        ('{"api_key": "abc-secret-9"}', "abc-secret-9"),
        ("https://tenant-4-ab12cd34:5f00ba11@sns.example/hook", "5f00ba11"),
        ("{'body': 'Meet me at 9, it is urgent', 'to': '+1555'}", "Meet me at 9"),
        ("Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ],
)
def test_secret_looking_text_is_masked(text, secret):
    masked = mask_text(text)
    assert secret not in masked
    assert REDACTED in masked


def test_twilio_sids_and_plain_text_stay_readable():
    text = f"subaccount {SID} bought +14155550100 (SK{TOKEN}, message SM{TOKEN})"
    assert mask_text(text) == text


def test_sensitive_keys_are_dropped_at_any_depth():
    event = {
        "event": "sent",
        "Body": "see you at 8",
        "auth_token": "t",
        "headers": {"X-Twilio-Signature": "sig", "Content-Type": "text/plain"},
        "params": [{"text": "hi there"}, {"page": 2}],
        "secret_obj": Secret("plaintext"),
        "count": 3,
        "obj": type("Obj", (), {"__repr__": lambda self: f"Obj(token={TOKEN})"})(),
    }
    safe = redact(None, "info", event)
    assert safe["Body"] == safe["auth_token"] == safe["secret_obj"] == REDACTED
    assert safe["headers"] == {"X-Twilio-Signature": REDACTED, "Content-Type": "text/plain"}
    assert safe["params"] == [{"text": REDACTED}, {"page": 2}]
    assert (safe["count"], safe["event"]) == (3, "sent")
    assert TOKEN not in safe["obj"]


def test_stdlib_and_structlog_lines_come_out_as_json_through_one_formatter():
    with captured_logs() as logs:
        logging.getLogger("isvplatform.example").warning("fetched %s with %s", SID, TOKEN)
        structlog.get_logger("isvplatform.example").info("sent", body="a body", tenant_id=7)
    stdlib, native = logs.lines()
    assert stdlib["event"] == f"fetched {SID} with {REDACTED}"
    assert (stdlib["level"], stdlib["logger"]) == ("warning", "isvplatform.example")
    assert "timestamp" in stdlib
    assert (native["event"], native["body"], native["tenant_id"]) == ("sent", REDACTED, 7)


@pytest.mark.parametrize(
    ("inbound", "kept"),
    [
        ("3f2b8a1c-7d4e-4f6a-9b0c-1d2e3f4a5b6c", True),
        ("req_abc.123-XYZ", True),
        ("short", False),
        ("x" * 65, False),
        ("abc def ghi jkl", False),
        ('abcdefgh"}{"level":"critical', False),
        ("abcdefgh\nforged line", False),
        ("", False),
        (None, False),
    ],
)
def test_an_inbound_request_id_is_kept_only_when_sane(inbound, kept):
    accepted = accepted_request_id(inbound)
    if kept:
        assert accepted == inbound
    else:
        assert accepted != inbound
        uuid.UUID(accepted)


@pytest.mark.django_db
def test_every_answer_carries_its_request_id_and_its_log_lines_too():
    with captured_logs() as logs:
        kept = Client().get("/healthz", HTTP_X_REQUEST_ID="edge-req-0001")
        fresh = Client().get("/healthz", HTTP_X_REQUEST_ID="not sane!")
    assert kept["X-Request-ID"] == "edge-req-0001"
    uuid.UUID(fresh["X-Request-ID"])
    finished = [line for line in logs.lines() if line["event"] == "request_finished"]
    assert [line["request_id"] for line in finished] == ["edge-req-0001", fresh["X-Request-ID"]]
    assert finished[0]["request"] == "GET /healthz"


@pytest.fixture
def publish_for_real():
    """Tasks are published to a queue nobody consumes (not run eagerly); the published
    headers are recorded."""
    published: list[dict] = []

    def record(sender=None, headers=None, **kwargs):
        published.append(dict(headers or {}))

    conf = celery_app.conf
    saved = conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE
    conf.CELERY_TASK_ALWAYS_EAGER = False
    conf.CELERY_TASK_DEFAULT_QUEUE = f"test-logs-{uuid.uuid4().hex[:8]}"
    before_task_publish.connect(record)
    yield published
    before_task_publish.disconnect(record)
    conf.CELERY_TASK_ALWAYS_EAGER, conf.CELERY_TASK_DEFAULT_QUEUE = saved


def run_as_worker(headers: dict) -> None:
    """What a worker does with a published task: django_structlog's task_prerun receiver
    binds the context the headers carry, then the task runs."""
    task = celery_app.tasks[headers["task"]]
    structlog.contextvars.clear_contextvars()
    task.push_request(id=headers["id"], __django_structlog__=headers["__django_structlog__"])
    try:
        _log_context.receiver_task_prerun(headers["id"], task)
        task.run(*ast.literal_eval(headers["argsrepr"]))
    finally:
        task.pop_request()
        structlog.contextvars.clear_contextvars()


@pytest.mark.django_db(transaction=True)
def test_the_request_id_follows_an_api_send_into_its_task(tenant, publish_for_real):
    """Real commits: the send task is published from inside the request, as in production."""
    provisioned = provision_tenant(tenant)
    _, raw_key = make_api_key(tenant)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    with captured_logs() as logs:
        answer = client.post(
            "/api/v1/messages",
            {"to": HANDSET, "body": "Quokka-parade-5521"},
            content_type="application/json",
            HTTP_X_REQUEST_ID="client-req-77",
        )
    assert answer.status_code == 201, answer.content
    assert answer["X-Request-ID"] == "client-req-77"
    (headers,) = [h for h in publish_for_real if h["task"] == "messaging.send"]
    context = headers["__django_structlog__"]
    assert (context["request_id"], context["tenant_id"]) == ("client-req-77", tenant.pk)

    with captured_logs() as task_logs:
        run_as_worker(headers)
    started = next(line for line in task_logs.lines() if line["event"] == "task_started")
    assert started["request_id"] == "client-req-77"
    assert (started["task_id"], started["tenant_id"]) == (headers["id"], provisioned.tenant.pk)
    assert Message.objects.get(pk=answer.json()["id"]).sid
    assert "Quokka-parade" not in logs.text + task_logs.text


def test_no_secret_or_body_in_the_logs_of_real_flows(tenant, django_capture_on_commit_callbacks):
    """Provision a subaccount through the sandbox (auth tokens), send through the API (an
    API key, a body), receive a signed inbound message (a body), sign in (a password)."""
    body_out, body_in, password = "Narwhal-tango-8812", "Pelican-waltz-3307", "Gl4cier-ferry!x"
    user = UserFactory(password=password)
    with captured_logs() as logs:
        provisioned = provision_tenant(tenant)
        _, raw_key = make_api_key(tenant)
        logging.getLogger("isvplatform.tests").info(
            "marker %s auth_token=%s", "still-readable", provisioned.token
        )
        api = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        with django_capture_on_commit_callbacks(execute=True):
            sent = api.post(
                "/api/v1/messages", {"to": HANDSET, "body": body_out}, "application/json"
            )
        assert sent.status_code == 201, sent.content
        advance(5, rounds=3)  # status callbacks, signed with the subaccount's token
        params = {
            "MessageSid": "SM" + "7" * 32,
            "AccountSid": provisioned.sub.sid,
            "From": HANDSET,
            "To": provisioned.number.phone_number,
            "Body": body_in,
            "NumMedia": "0",
        }
        inbound = signed_post(Client(), "/webhooks/twilio/inbound", params, provisioned.token)
        assert inbound.status_code == 200
        refused = signed_post(Client(), "/webhooks/twilio/inbound", params, "0" * 32)
        assert refused.status_code == 403
        login = {"username": user.username, "password": password}
        assert Client().post("/accounts/login/", login).status_code == 302
        wrong = {"username": user.username, "password": password + "-wrong"}
        assert Client().post("/accounts/login/", wrong).status_code == 200

    text = logs.text
    assert "still-readable" in text and "request_finished" in text  # the capture works
    assert provisioned.sub.sid in text  # SIDs are identifiers: they stay
    secrets = [
        provisioned.token,
        settings.TWILIO_AUTH_TOKEN,
        raw_key,
        raw_key.split("_", 2)[2],
        password,
        TEST_PASSWORD,
        body_out,
        body_in,
    ]
    leaked = [secret for secret in secrets if secret and secret in text]
    assert leaked == [], text[-3000:]
