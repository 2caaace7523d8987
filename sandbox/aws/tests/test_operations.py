"""The rest of the operations and their errors, through real boto3 clients."""

from __future__ import annotations

import pytest
from django.test import Client as DjangoClient

from sandbox.aws import dispatch, protocol
from sandbox.aws.models import SesEmail, SnsSubscription
from sandbox.aws.tests.test_ses_api import client, error


def test_every_handler_is_an_operation_of_botocores_model():
    for service, name in dispatch.implemented():
        assert name in protocol.service_model(service).operation_names


@pytest.fixture
def ses(sender):
    return client()


def simple(**extra) -> dict:
    return {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}, **extra}}


def test_send_checks(ses):
    many = [f"p{i}@example.net" for i in range(51)]
    send = ses.send_email
    src = "news@shop.example.com"
    assert error(
        lambda: send(FromEmailAddress=src, Destination={"ToAddresses": many}, Content=simple())
    )[:2] == (400, "MessageRejected")
    raw = b"To: a@example.net\r\nSubject: x\r\n\r\nbody"
    assert error(lambda: send(Content={"Raw": {"Data": raw}}))[1:] == (
        "MessageRejected",
        "Missing required header 'From'.",
    )
    assert error(lambda: send(FromEmailAddress=src, Content=simple()))[1] == "BadRequestException"
    named = {"Template": {"TemplateName": "welcome", "TemplateData": "{}"}}
    assert error(
        lambda: send(FromEmailAddress=src, Destination={"ToAddresses": ["a@b.net"]}, Content=named)
    )[:2] == (404, "NotFoundException")


def test_cc_bcc_attachments_and_inline_templates(ses):
    sent = ses.send_email(
        FromEmailAddress="news@shop.example.com",
        Destination={
            "ToAddresses": ["to@example.net"],
            "CcAddresses": ["cc@example.net"],
            "BccAddresses": ["bcc@example.net"],
        },
        ReplyToAddresses=["help@shop.example.com"],
        Content=simple(
            Attachments=[
                {"RawContent": b"%PDF-1.4", "FileName": "a.pdf", "ContentType": "application/pdf"}
            ]
        ),
    )
    email = SesEmail.objects.get(message_id=sent["MessageId"])
    assert sorted(email.recipients.values_list("kind", "address")) == [
        ("bcc", "bcc@example.net"),
        ("cc", "cc@example.net"),
        ("to", "to@example.net"),
    ]
    assert b"bcc@example.net" not in email.raw and b'filename="a.pdf"' in email.raw
    assert b"Reply-To: help@shop.example.com" in email.raw
    page = DjangoClient().get(
        f"/sandbox/mailbox/ses/{email.message_id}/", {"address": "cc@example.net"}
    )
    assert "a.pdf (application/pdf, 8" in page.content.decode()
    templated = ses.send_email(
        FromEmailAddress="news@shop.example.com",
        Destination={"ToAddresses": ["to@example.net"]},
        Content={
            "Template": {
                "TemplateContent": {"Subject": "Hi {{name}}", "Text": "Dear {{ name }}"},
                "TemplateData": '{"name": "Pat"}',
            }
        },
    )
    rendered = SesEmail.objects.get(message_id=templated["MessageId"])
    assert (rendered.subject, rendered.text.strip()) == ("Hi Pat", "Dear Pat")


def test_configuration_sets(ses):
    ses.create_configuration_set(ConfigurationSetName="tenant-a")
    assert error(lambda: ses.create_configuration_set(ConfigurationSetName="tenant-a"))[1] == (
        "AlreadyExistsException"
    )
    assert ses.get_configuration_set(ConfigurationSetName="tenant-a")["ConfigurationSetName"] == (
        "tenant-a"
    )
    definition = {"Enabled": True, "MatchingEventTypes": ["BOUNCE"]}
    ses.create_configuration_set_event_destination(
        ConfigurationSetName="tenant-a", EventDestinationName="d", EventDestination=definition
    )
    listed = ses.get_configuration_set_event_destinations(ConfigurationSetName="tenant-a")
    assert [d["Name"] for d in listed["EventDestinations"]] == ["d"]
    bad = {"Enabled": True, "MatchingEventTypes": ["NOPE"]}
    assert (
        error(
            lambda: ses.create_configuration_set_event_destination(
                ConfigurationSetName="tenant-a", EventDestinationName="e", EventDestination=bad
            )
        )[1]
        == "BadRequestException"
    )
    ses.delete_configuration_set_event_destination(
        ConfigurationSetName="tenant-a", EventDestinationName="d"
    )
    ses.delete_configuration_set(ConfigurationSetName="tenant-a")
    assert error(lambda: ses.get_configuration_set(ConfigurationSetName="tenant-a"))[:2] == (
        404,
        "NotFoundException",
    )


def test_sns_errors_and_unsigned_subscribe_url(platform, settings):
    sns = client("sns")
    missing = f"arn:aws:sns:us-east-1:{platform.account_id}:missing"
    assert error(
        lambda: sns.subscribe(TopicArn=missing, Protocol="https", Endpoint="https://x.test/")
    )[:2] == (404, "NotFound")
    arn = sns.create_topic(Name="t")["TopicArn"]
    assert sns.create_topic(Name="t")["TopicArn"] == arn
    assert error(lambda: sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="a@b.c"))[1] == (
        "InvalidParameter"
    )
    assert (
        error(lambda: sns.subscribe(TopicArn=arn, Protocol="http", Endpoint="http://u:p@x.test/"))[
            1
        ]
        == "InvalidParameter"
    )
    assert error(lambda: sns.confirm_subscription(TopicArn=arn, Token="nope"))[1] == (
        "InvalidParameter"
    )
    sns.subscribe(TopicArn=arn, Protocol="https", Endpoint="https://elsewhere.test/hook")
    subscription = SnsSubscription.objects.get(topic__arn=arn)
    web = DjangoClient()
    answer = web.get(
        "/sandbox/aws/",
        {"Action": "ConfirmSubscription", "TopicArn": arn, "Token": subscription.token},
    )
    assert answer.status_code == 200 and subscription.arn.encode() in answer.content
    subscription.refresh_from_db()
    assert subscription.confirmed
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["SubscriptionsConfirmed"] == "1"
    subscription.authenticate_on_unsubscribe = True
    subscription.save()
    refused = web.get(
        "/sandbox/aws/", {"Action": "Unsubscribe", "SubscriptionArn": subscription.arn}
    )
    assert refused.status_code == 403 and b"AuthorizationError" in refused.content
    sns.unsubscribe(SubscriptionArn=subscription.arn)
    assert sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"] == []
    sns.delete_topic(TopicArn=arn)
    assert all(t["TopicArn"] != arn for t in sns.list_topics()["Topics"])


def test_the_http_face_is_off_in_live_mode(settings, db):
    settings.EMAIL_MODE = "live"
    assert DjangoClient().post("/sandbox/aws/", {"Action": "ListTopics"}).status_code == 404


def test_unsigned_requests_are_refused(db):
    answer = DjangoClient().post(
        "/sandbox/aws/v2/email/identities", "{}", content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer["x-amzn-ErrorType"] == "MissingAuthenticationTokenException"


def test_wrongly_typed_bodies_are_400s_naming_the_field(platform, live_server, settings):
    import json

    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    credentials = Credentials(
        settings.SANDBOX_AWS_ACCESS_KEY_ID, settings.SANDBOX_AWS_SECRET_ACCESS_KEY
    )

    def post(path: str, body: dict) -> requests.Response:
        request = AWSRequest(
            method="POST",
            url=f"{live_server.url}/sandbox/aws{path}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        SigV4Auth(credentials, "ses", "us-east-1").add_auth(request)
        prepared = request.prepare()
        return requests.post(prepared.url, data=prepared.body, headers=dict(prepared.headers))

    answer = post(
        "/v2/email/outbound-emails",
        {"Destination": "someone@example.net", "Content": {"Simple": {}}},
    )
    assert answer.status_code == 400
    assert answer.headers["x-amzn-ErrorType"] == "BadRequestException"
    assert "Destination" in answer.json()["message"]
    answer = post("/v2/email/identities", {"EmailIdentity": 42})
    assert answer.status_code == 400 and "EmailIdentity" in answer.json()["message"]
    answer = post("/v2/email/outbound-emails", {"Content": {"Raw": {"Data": "%%%"}}})
    assert answer.status_code == 400


def test_header_injection_is_refused(ses):
    headers = [{"Name": "X-Evil", "Value": "a\r\nBcc: victim@example.net"}]
    status, code, _ = error(
        lambda: ses.send_email(
            FromEmailAddress="news@shop.example.com",
            Destination={"ToAddresses": ["to@example.net"]},
            Content=simple(Headers=headers),
        )
    )
    assert (status, code) == (400, "MessageRejected")
    assert not SesEmail.objects.exists()


def test_the_older_get_list_identities_path_is_served(platform, live_server, settings):
    import requests
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    client().create_email_identity(EmailIdentity="old.example.com")
    request = AWSRequest(
        method="GET", url=f"{live_server.url}/sandbox/aws/v2/email/identities?PageSize=5"
    )
    credentials = Credentials(
        settings.SANDBOX_AWS_ACCESS_KEY_ID, settings.SANDBOX_AWS_SECRET_ACCESS_KEY
    )
    SigV4Auth(credentials, "ses", "us-east-1").add_auth(request)
    prepared = request.prepare()
    answer = requests.get(prepared.url, headers=dict(prepared.headers))
    assert answer.status_code == 200
    assert [i["IdentityName"] for i in answer.json()["EmailIdentities"]] == ["old.example.com"]
