"""SES v2 through a real boto3 client on the local AWS."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from django.conf import settings

from sandbox import clock
from sandbox.aws.services import account_create, ensure_platform_account
from sandbox.aws.transport import endpoint_url, session_params


def client(service: str = "sesv2", key: str = "", secret: str = "", region: str = "us-east-1"):
    session = boto3.session.Session(**session_params())
    return session.client(
        service,
        endpoint_url=endpoint_url(),
        region_name=region,
        aws_access_key_id=key or settings.SANDBOX_AWS_ACCESS_KEY_ID,
        aws_secret_access_key=secret or settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
    )


def error(call) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Code"],
        response["Error"]["Message"],
    )


@pytest.fixture
def ses(db):
    ensure_platform_account()
    return client()


def test_domain_identity_gets_three_dkim_tokens_and_verifies_on_the_clock(ses):
    created = ses.create_email_identity(EmailIdentity="Mail.Example.com")
    assert created["IdentityType"] == "DOMAIN"
    assert created["VerifiedForSendingStatus"] is False
    tokens = created["DkimAttributes"]["Tokens"]
    assert len(tokens) == 3 and len(set(tokens)) == 3
    assert created["DkimAttributes"]["Status"] == "PENDING"
    got = ses.get_email_identity(EmailIdentity="mail.example.com")
    assert got["VerificationStatus"] == "PENDING"
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    got = ses.get_email_identity(EmailIdentity="mail.example.com")
    assert got["VerifiedForSendingStatus"] is True
    assert got["DkimAttributes"]["Status"] == "SUCCESS"
    assert got["DkimAttributes"]["Tokens"] == tokens
    listed = ses.list_email_identities()["EmailIdentities"]
    assert [(i["IdentityName"], i["VerificationStatus"]) for i in listed] == [
        ("mail.example.com", "SUCCESS")
    ]


def test_address_identity_and_errors(ses):
    created = ses.create_email_identity(EmailIdentity="owner@example.org")
    assert created["IdentityType"] == "EMAIL_ADDRESS"
    assert error(lambda: ses.create_email_identity(EmailIdentity="owner@example.org"))[:2] == (
        400,
        "AlreadyExistsException",
    )
    assert error(lambda: ses.get_email_identity(EmailIdentity="nobody@example.org"))[:2] == (
        404,
        "NotFoundException",
    )
    assert error(lambda: ses.create_email_identity(EmailIdentity="not an identity"))[:2] == (
        400,
        "BadRequestException",
    )
    ses.delete_email_identity(EmailIdentity="owner@example.org")
    assert ses.list_email_identities()["EmailIdentities"] == []


def test_invalid_domains_fail_verification(ses):
    ses.create_email_identity(EmailIdentity="nowhere.invalid")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    got = ses.get_email_identity(EmailIdentity="nowhere.invalid")
    assert got["VerificationStatus"] == "FAILED"
    assert got["VerifiedForSendingStatus"] is False


def test_get_account(ses):
    account = ses.get_account()
    assert account["ProductionAccessEnabled"] is True
    assert account["SendQuota"]["Max24HourSend"] > 0
    assert account["SendingEnabled"] is True


def test_send_simple_and_raw(ses):
    ses.create_email_identity(EmailIdentity="example.com")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    simple = ses.send_email(
        FromEmailAddress="Shop <news@example.com>",
        Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        Content={
            "Simple": {
                "Subject": {"Data": "Hello"},
                "Body": {"Text": {"Data": "Hi there"}, "Html": {"Data": "<p>Hi there</p>"}},
                "Headers": [{"Name": "List-Unsubscribe", "Value": "<https://x.test/u/1>"}],
            }
        },
        ConfigurationSetName=settings.AWS_SES_CONFIGURATION_SET,
        EmailTags=[{"Name": "campaign", "Value": "launch"}],
    )
    assert simple["MessageId"].startswith("0100") and simple["MessageId"].endswith("-000000")
    raw = (
        b"From: news@example.com\r\nTo: person@example.net\r\nSubject: Raw one\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRaw body\r\n"
    )
    sent = ses.send_email(Content={"Raw": {"Data": raw}})
    from sandbox.aws.models import SesEmail

    first = SesEmail.objects.get(message_id=simple["MessageId"])
    assert (first.subject, first.text.strip(), first.html.strip()) == (
        "Hello",
        "Hi there",
        "<p>Hi there</p>",
    )
    assert {"name": "List-Unsubscribe", "value": "<https://x.test/u/1>"} in first.headers
    assert first.tags["campaign"] == ["launch"]
    second = SesEmail.objects.get(message_id=sent["MessageId"])
    assert second.subject == "Raw one" and second.text.strip() == "Raw body"
    assert list(second.recipients.values_list("address", flat=True)) == ["person@example.net"]


def test_unverified_sender_is_rejected(ses):
    status, code, message = error(
        lambda: ses.send_email(
            FromEmailAddress="someone@unverified.example",
            Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}},
        )
    )
    assert (status, code) == (400, "MessageRejected")
    assert message == (
        "Email address is not verified. The following identities failed the check in region "
        "US-EAST-1: someone@unverified.example"
    )


def test_unknown_configuration_set(ses):
    ses.create_email_identity(EmailIdentity="example.com")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
    status, code, _ = error(
        lambda: ses.send_email(
            FromEmailAddress="a@example.com",
            Destination={"ToAddresses": ["b@example.net"]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}},
            ConfigurationSetName="missing",
        )
    )
    assert (status, code) == (404, "NotFoundException")


def test_signatures_are_checked(ses):
    assert error(lambda: client(key="AKIANOTAREALKEY00000").get_account())[:2] == (
        403,
        "UnrecognizedClientException",
    )
    bad = client(secret="wrong-secret")
    assert error(bad.get_account)[:2] == (403, "InvalidSignatureException")
    assert error(lambda: client("sns", secret="wrong").list_topics())[:2] == (
        403,
        "SignatureDoesNotMatch",
    )
    assert error(lambda: client("sns", key="AKIANOTAREALKEY00000").list_topics())[:2] == (
        403,
        "InvalidClientTokenId",
    )


def test_accounts_are_separate(ses):
    ses.create_email_identity(EmailIdentity="example.com")
    key, secret = account_create("tenant one")
    other = client(key=key, secret=secret)
    assert other.list_email_identities()["EmailIdentities"] == []
    assert error(lambda: other.get_email_identity(EmailIdentity="example.com"))[1] == (
        "NotFoundException"
    )


def test_faults_apply_to_the_local_aws(ses):
    from botocore.config import Config

    from sandbox import faults
    from sandbox.aws.models import SesIdentity

    once = boto3.session.Session(**session_params()).client(
        "sesv2",
        endpoint_url=endpoint_url(),
        region_name="us-east-1",
        aws_access_key_id=settings.SANDBOX_AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.SANDBOX_AWS_SECRET_ACCESS_KEY,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    with faults.injected(rate_429=1.0, path_pattern="identities"):
        assert error(lambda: once.create_email_identity(EmailIdentity="a.example.com"))[:2] == (
            429,
            "TooManyRequestsException",
        )
        assert once.get_account()["SendingEnabled"] is True
    with faults.injected(rate_500_after_write=1.0):
        assert error(lambda: once.create_email_identity(EmailIdentity="b.example.com"))[:2] == (
            500,
            "InternalFailure",
        )
    assert list(SesIdentity.objects.values_list("name", flat=True)) == ["b.example.com"]


def test_an_account_in_the_ses_sandbox_may_only_mail_verified_recipients(db):
    from sandbox.aws.services import set_production_access

    key, secret = account_create("new tenant")
    set_production_access(key, False)
    ses = client(key=key, secret=secret)
    account = ses.get_account()
    assert account["ProductionAccessEnabled"] is False
    assert account["SendQuota"]["Max24HourSend"] == 200.0
    ses.create_email_identity(EmailIdentity="new.example.com")
    clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)

    def send(to: str):
        return ses.send_email(
            FromEmailAddress="hi@new.example.com",
            Destination={"ToAddresses": [to]},
            Content={"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}},
        )

    status, code, message = error(lambda: send("stranger@example.net"))
    assert (status, code) == (400, "MessageRejected")
    assert message.endswith("US-EAST-1: stranger@example.net")
    assert send("success@simulator.amazonses.com")["MessageId"]
    set_production_access(key, True)
    assert send("stranger@example.net")["MessageId"]
