"""The email transport: what stops a queued email before the ESP, and exactly-once."""

import socket
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from emails.services import email_send
from emails.tests.factories import EmailIdentityFactory
from isvplatform import gateway
from messaging.models import Message, OptOut, Status
from messaging.services import message_dispatch
from tenants.services import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def identity(tenant):
    return EmailIdentityFactory(tenant=tenant, name="news.acme.test")


@pytest.fixture
def queued(tenant, identity, django_capture_on_commit_callbacks):
    """A queued email whose send task has not run yet."""

    def make(**kwargs) -> Message:
        with django_capture_on_commit_callbacks(execute=False):
            return email_send(
                tenant=tenant,
                to=kwargs.pop("to", "reader@example.org"),
                from_="hello@news.acme.test",
                subject="Your receipt",
                text="Thanks for your order.",
                actor=Actor.system(),
                **kwargs,
            )

    return make


def test_an_attempt_in_doubt_is_never_repeated(queued):
    message = queued()
    Message.objects.filter(pk=message.pk).update(
        in_doubt_since=timezone.now() - timedelta(minutes=10), send_attempts=1
    )
    assert message_dispatch(str(message.pk)).outcome == "unknown"
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert message.esp_message_id is None
    assert message.send_attempts == 1  # no new attempt
    assert "not sent again" in message.error_message
    assert message.claim_token is None
    # A later task run finds nothing to do.
    assert message_dispatch(str(message.pk)).outcome == "already_handled"


def test_an_address_suppressed_after_queueing_is_not_sent(queued, tenant):
    message = queued()
    # As if the bounce landed while the send task held the row (optout_add skips claimed
    # rows and leaves them to the transport's own check).
    OptOut.objects.create(
        tenant=tenant, number="reader@example.org", channel="email", source=OptOut.Source.BOUNCE
    )
    assert message_dispatch(str(message.pk)).outcome == "opted_out"
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "suppression list" in message.error_message
    assert message.send_attempts == 0


def test_an_identity_that_lapsed_after_queueing_fails_before_the_esp(queued, identity):
    message = queued()
    identity.status = "temporary_failure"
    identity.save()
    assert message_dispatch(str(message.pk)).outcome == "failed"
    message.refresh_from_db()
    assert message.status == Status.FAILED
    assert "no longer verified" in message.error_message
    assert message.send_attempts == 0


def test_an_esp_that_cannot_be_reached_is_retried_later(queued, settings):
    settings.EMAIL_SANDBOX_URL = f"http://127.0.0.1:{_closed_port()}"
    message = queued()
    with pytest.raises(gateway.RetryableGatewayError) as err:
        message_dispatch(str(message.pk))
    assert "Could not reach Amazon SES" in err.value.message
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert message.send_attempts == 1
    assert message.in_doubt_since is None  # nothing reached the ESP: safe to send again
    assert message.claim_token is None


def test_a_connection_lost_after_the_request_went_out_is_unknown(queued, settings):
    port = _hang_up_server()
    settings.EMAIL_SANDBOX_URL = f"http://127.0.0.1:{port}"
    message = queued()
    assert message_dispatch(str(message.pk)).outcome == "unknown"
    message.refresh_from_db()
    assert message.status == Status.UNKNOWN
    assert message.send_attempts == 1
    assert "not sent again" in message.error_message


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _hang_up_server() -> int:
    """A server that reads one request and closes the connection without answering."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(65536)
        conn.close()
        server.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]
