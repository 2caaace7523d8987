"""The real anymail backend, and boto3 over HTTP, against the local SES."""

from __future__ import annotations

import boto3
import pytest
from anymail.message import AnymailMessage
from django.conf import settings
from django.core.mail import get_connection

from sandbox import clock
from sandbox.aws.models import SesEmail
from sandbox.aws.services import ensure_platform_account
from sandbox.aws.tests.test_ses_api import client
from sandbox.aws.transport import endpoint_url, session_params


def connection():
    return get_connection(
        "anymail.backends.amazon_ses.EmailBackend",
        session_params=session_params(),
        client_params={
            "endpoint_url": endpoint_url(),
            "region_name": settings.AWS_SES_REGION,
            "aws_access_key_id": settings.SANDBOX_AWS_ACCESS_KEY_ID,
            "aws_secret_access_key": settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
        },
    )


@pytest.fixture
def verified_domain(db):
    ensure_platform_account()
    client().create_email_identity(EmailIdentity="shop.example.com")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)


def test_anymail_message_lands_in_the_sandbox(verified_domain):
    message = AnymailMessage(
        subject="Your order",
        body="Thanks for your order.",
        from_email="Shop <orders@shop.example.com>",
        to=["Pat <pat@example.net>"],
        headers={"List-Unsubscribe": "<https://shop.example.com/u/abc>"},
        tags=["orders"],
        metadata={"message": "42"},
        connection=connection(),
    )
    message.attach_alternative("<p>Thanks for your <b>order</b>.</p>", "text/html")
    assert message.send() == 1
    status = message.anymail_status
    assert status.status == {"queued"}
    email = SesEmail.objects.get(message_id=status.message_id)
    assert email.subject == "Your order"
    assert email.configuration_set == settings.AWS_SES_CONFIGURATION_SET
    assert "<b>order</b>" in email.html and email.text.strip() == "Thanks for your order."
    names = {h["name"]: h["value"] for h in email.headers}
    assert names["List-Unsubscribe"] == "<https://shop.example.com/u/abc>"
    assert names["X-Tag"] == "orders" and names["X-Metadata"] == '{"message": "42"}'
    assert list(email.recipients.values_list("address", flat=True)) == ["pat@example.net"]


def test_anymail_surfaces_message_rejected(db):
    ensure_platform_account()
    from anymail.exceptions import AnymailAPIError

    message = AnymailMessage(
        subject="x", body="y", from_email="a@nowhere.example", to=["b@example.net"],
        connection=connection(),
    )  # fmt: skip
    with pytest.raises(AnymailAPIError, match="MessageRejected"):
        message.send()


def test_boto3_over_http(live_server, settings):
    settings.EMAIL_SANDBOX_URL = f"{live_server.url}/sandbox/aws"
    ensure_platform_account()
    assert session_params() == {}
    assert endpoint_url() == settings.EMAIL_SANDBOX_URL
    session = boto3.session.Session()
    kwargs = {
        "endpoint_url": endpoint_url(),
        "region_name": "us-east-1",
        "aws_access_key_id": settings.SANDBOX_AWS_ACCESS_KEY_ID,
        "aws_secret_access_key": settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
    }
    ses = session.client("sesv2", **kwargs)
    ses.create_email_identity(EmailIdentity="someone@example.org")
    got = ses.get_email_identity(EmailIdentity="someone@example.org")
    assert got["IdentityType"] == "EMAIL_ADDRESS"
    sns = session.client("sns", **kwargs)
    arn = sns.create_topic(Name="over-http")["TopicArn"]
    assert arn.endswith(":over-http")
    assert any(t["TopicArn"] == arn for t in sns.list_topics()["Topics"])
    bad = session.client("sesv2", **{**kwargs, "aws_secret_access_key": "nope"})
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as caught:
        bad.get_account()
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
