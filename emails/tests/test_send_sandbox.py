"""Email through the real path: email_send → messaging's send task → anymail → boto3 → the
local SES (sandbox.aws), with only the endpoint changed."""

import logging
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from emails import esp
from emails.services import email_send
from emails.tests.factories import EmailIdentityFactory, EspCredentialsFactory
from messaging.models import Message, OptOut, Status
from messaging.services import SendRefused, message_dispatch
from sandbox import clock
from sandbox.aws.models import SesEmail
from sandbox.aws.services import account_create
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def ses_emails(address: str) -> list[dict]:
    """What the local SES accepted for `address`, with the account that sent it."""
    return [
        {
            "message_id": email.message_id,
            "account": email.account.label,
            "configuration_set": email.configuration_set,
            "subject": email.subject,
            "text": email.text,
            "html": email.html,
            "headers": {h["name"].lower(): h["value"] for h in email.headers},
        }
        for email in SesEmail.objects.filter(recipients__address=address).select_related("account")
    ]


def verified_at_ses(tenant, name: str, *, own: bool = False):
    """The identity created and verified in the account the tenant sends through."""
    esp.ses_client(tenant).create_email_identity(EmailIdentity=name)
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    return EmailIdentityFactory(tenant=tenant, name=name, own_credentials=own)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Send and run the send task (eager) as the commit would."""

    def run(tenant, **kwargs) -> Message:
        values = {
            "to": "reader@example.org",
            "from_": "hello@news.acme.test",
            "subject": "Your receipt",
            "html": "<h1>Thanks</h1><p>See <a href='https://acme.test/o/1'>your order</a>.</p>",
            "actor": Actor.system(),
        }
        with django_capture_on_commit_callbacks(execute=True):
            message = email_send(tenant=tenant, **{**values, **kwargs})
        message.refresh_from_db()
        return message

    return run


def test_email_reaches_the_local_ses_and_is_sent(tenant, send):
    verified_at_ses(tenant, "news.acme.test")
    message = send(tenant)
    assert message.status == Status.SENT
    assert message.esp_message_id and message.esp_name == "amazon_ses"
    assert message.sent_at is not None and message.in_doubt_since is None
    (email,) = ses_emails("reader@example.org")
    assert email["message_id"] == message.esp_message_id
    assert email["subject"] == "Your receipt"
    assert "<h1>Thanks</h1>" in email["html"]
    assert "[your order](https://acme.test/o/1)" in email["text"]
    assert str(message.pk) in email["headers"]["x-metadata"]  # our id, for the events
    assert email["headers"]["x-tag"] == "transactional"
    assert email["configuration_set"] == settings.AWS_SES_CONFIGURATION_SET
    assert email["account"] == "isvplatform"


@pytest.mark.parametrize(
    ("sender", "name", "expected_from"),
    [
        ("Acme News <hello@news.acme.test>", "", "Acme News <hello@news.acme.test>"),
        ("hello@news.acme.test", "Café Acme", "Café Acme <hello@news.acme.test>"),
        ("hello@news.acme.test", "", "hello@news.acme.test"),
    ],
)
def test_the_from_carries_its_display_name_to_the_inbox(tenant, send, sender, name, expected_from):
    verified_at_ses(tenant, "news.acme.test")
    message = send(tenant, from_=sender, from_name=name)
    assert message.status == Status.SENT
    assert message.from_number == "hello@news.acme.test"
    assert message.from_name == (name or ("Acme News" if "<" in sender else ""))
    (email,) = ses_emails("reader@example.org")
    assert email["headers"]["from"] == expected_from


@pytest.mark.parametrize(
    ("sender", "name"),
    [
        ("Acme <not-an-address>", ""),
        ("hello@news.acme.test", "Acme\r\nBcc: victim@example.org"),
        ("hello@news.acme.test", "x" * 101),
    ],
)
def test_a_bad_sender_name_is_a_400_on_from(tenant, sender, name):
    verified_at_ses(tenant, "news.acme.test")
    with pytest.raises(ValidationError) as err:
        email_send(
            tenant=tenant, to="reader@example.org", from_=sender, from_name=name,
            subject="Hi", text="Hi", actor=Actor.system(),
        )  # fmt: skip
    assert "from" in err.value.message_dict
    assert not Message.objects.exists()


def test_a_repeated_send_task_sends_nothing_more(tenant, send):
    verified_at_ses(tenant, "news.acme.test")
    message = send(tenant)
    assert message_dispatch(str(message.pk)).outcome == "already_handled"
    assert len(ses_emails("reader@example.org")) == 1


def test_marketing_email_arrives_with_one_click_unsubscribe_that_works(tenant, send):
    verified_at_ses(tenant, "news.acme.test")
    send(tenant, category="marketing")
    (email,) = ses_emails("reader@example.org")
    headers = email["headers"]
    assert headers["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
    url = headers["list-unsubscribe"].strip().strip("<>")  # may arrive folded
    assert url in email["html"] and url in email["text"]
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert (
        OptOut.objects.for_tenant(tenant)
        .filter(number="reader@example.org", channel="email", source="unsubscribe")
        .exists()
    )
    with pytest.raises(SendRefused) as err:
        send(tenant, category="marketing")
    assert err.value.reason == "recipient_suppressed"
    assert len(ses_emails("reader@example.org")) == 1


def test_ses_refusal_fails_the_message_with_its_words(tenant, send):
    # Verified in the platform's records but unknown to SES (deleted there, say).
    EmailIdentityFactory(tenant=tenant, name="news.acme.test")
    message = send(tenant)
    assert message.status == Status.FAILED
    assert "Amazon SES refused the email" in message.error_message
    assert "not verified" in message.error_message and "MessageRejected" in message.error_message
    assert message.esp_message_id is None
    assert ses_emails("reader@example.org") == []


def test_own_credentials_are_used_for_their_tenant_only_and_never_leak(
    tenant, other_tenant, send, caplog
):
    key_id, secret = account_create("acme's own")
    EspCredentialsFactory(
        tenant=tenant, access_key_id=key_id, secret_access_key=secret, configuration_set=""
    )
    # Each identity exists only in one account: a send through the wrong one is refused.
    verified_at_ses(tenant, "own.acme.test", own=True)
    verified_at_ses(other_tenant, "news.other.test")
    with caplog.at_level(logging.DEBUG):
        own = send(tenant, from_="hi@own.acme.test", to="a@example.org")
        platform = send(other_tenant, from_="hi@news.other.test", to="b@example.org")
    assert own.status == platform.status == Status.SENT
    (own_email,) = ses_emails("a@example.org")
    (platform_email,) = ses_emails("b@example.org")
    assert own_email["account"] == "acme's own" and own_email["configuration_set"] == ""
    assert platform_email["account"] == "isvplatform"
    assert secret not in caplog.text
    for message in (own, platform):
        assert secret not in repr(message.__dict__)
