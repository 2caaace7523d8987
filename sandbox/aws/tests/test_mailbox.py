"""The mailbox shows SES emails as recipients see them; reading fires Open and Click."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client as DjangoClient

from sandbox import clock
from sandbox.aws.tests.test_events import send
from sandbox.aws.tests.test_ses_api import client
from sandbox.aws.tests.urls import one_click_posts
from sandbox.testing import ses_click, ses_emails, ses_open

HTML = (
    '<h1>Sale</h1><p>See <a href="https://shop.example.com/sale?a=1&amp;b=2">the sale</a>'
    "</p><script>alert('x')</script>"
)


def send_html(sender: str, to: str, headers=()) -> str:
    return client().send_email(
        FromEmailAddress=sender,
        Destination={"ToAddresses": [to]},
        Content={
            "Simple": {
                "Subject": {"Data": "Big sale"},
                "Body": {"Text": {"Data": "See the sale"}, "Html": {"Data": HTML}},
                "Headers": list(headers),
            }
        },
        ConfigurationSetName=settings.AWS_SES_CONFIGURATION_SET,
    )["MessageId"]


def test_inbox_json_helpers_and_page(sender):
    message_id = send_html(
        sender,
        "Pat@Example.net",
        [{"Name": "List-Unsubscribe", "Value": "<https://shop.example.com/u/1>"}],
    )
    send(sender, "bounce@simulator.amazonses.com")
    [mail] = ses_emails("pat@example.net")
    assert mail["message_id"] == message_id and mail["subject"] == "Big sale"
    assert mail["text"].strip() == "See the sale" and "<h1>Sale</h1>" in mail["html"]
    assert mail["list_unsubscribe"] == "<https://shop.example.com/u/1>"
    assert ses_emails("bounce@simulator.amazonses.com") == []
    web = DjangoClient()
    listed = web.get("/sandbox/mailboxes/pat@example.net/emails").json()["emails"]
    assert [(m["kind"], m["message_id"]) for m in listed] == [("ses", message_id)]
    inbox = web.get("/sandbox/mailbox/", {"address": "pat@example.net"}).content.decode()
    assert "Big sale" in inbox and "List-Unsubscribe: &lt;https://shop.example.com/u/1&gt;" in inbox
    other = web.get("/sandbox/mailbox/", {"address": "nobody@example.com"}).content.decode()
    assert "Recently received email:" in other and "?address=pat%40example.net" in other
    page = web.get(f"/sandbox/mailbox/ses/{message_id}/", {"address": "pat@example.net"})
    html = page.content.decode()
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in html
    assert "allow-scripts" not in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert f"/sandbox/mailbox/ses/{message_id}/click/0?address=pat%40example.net" in html
    assert 'data-header="List-Unsubscribe"' in html


def test_opening_and_clicking_publish_open_and_click(sender, tracked):
    message_id = send_html(sender, "pat@example.net")
    clock.advance(1)
    tracked.clear()
    web = DjangoClient()
    web.get(f"/sandbox/mailbox/ses/{message_id}/", {"address": "pat@example.net"})
    clock.advance(0)
    assert [(e.event_type, e.recipient) for e in tracked] == [("opened", "pat@example.net")]
    redirect = web.get(f"/sandbox/mailbox/ses/{message_id}/click/0", {"address": "pat@example.net"})
    assert redirect.status_code == 302
    assert redirect["Location"] == "https://shop.example.com/sale?a=1&b=2"
    clock.advance(0)
    assert tracked[-1].event_type == "clicked"
    assert tracked[-1].click_url == "https://shop.example.com/sale?a=1&b=2"
    assert web.get(f"/sandbox/mailbox/ses/{message_id}/click/5").status_code == 404
    assert ses_open(message_id) is True
    assert ses_click(message_id, "https://shop.example.com/sale?a=1&b=2").startswith("https://")
    assert [e.event_type for e in tracked[-2:]] == ["opened", "clicked"]


def test_text_only_emails_have_no_open_pixel(sender, tracked):
    message_id = send(sender, "pat@example.net")
    clock.advance(1)
    tracked.clear()
    from sandbox.aws.models import SesEmail

    SesEmail.objects.filter(message_id=message_id).update(html="")
    assert ses_open(message_id) is False
    assert tracked == []


@pytest.fixture
def unsubscribes():
    one_click_posts.clear()
    yield one_click_posts
    one_click_posts.clear()


def test_one_click_unsubscribe_posts_rfc8058(sender, unsubscribes, settings):
    url = f"{settings.PUBLIC_BASE_URL}/u/tok"
    message_id = send_html(
        sender,
        "pat@example.net",
        [
            {"Name": "List-Unsubscribe", "Value": f"<{url}>"},
            {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"},
        ],
    )
    web = DjangoClient()
    page = web.get(f"/sandbox/mailbox/ses/{message_id}/", {"address": "pat@example.net"})
    assert "Unsubscribe</button>" in page.content.decode()
    answer = web.post(
        f"/sandbox/mailbox/ses/{message_id}/unsubscribe", {"address": "pat@example.net"}
    )
    assert answer.status_code == 302 and "unsubscribed=done" in answer["Location"]
    assert unsubscribes == [
        ("tok", "application/x-www-form-urlencoded", b"List-Unsubscribe=One-Click")
    ]


def test_the_ses_pages_are_for_staff_and_this_machine_only(sender):
    message_id = send_html(sender, "pat@example.net")
    remote = DjangoClient(REMOTE_ADDR="203.0.113.7")
    for method, path in (
        ("get", f"/sandbox/mailbox/ses/{message_id}/"),
        ("get", f"/sandbox/mailbox/ses/{message_id}/click/0"),
        ("post", f"/sandbox/mailbox/ses/{message_id}/unsubscribe"),
        ("get", "/sandbox/mailboxes/pat@example.net/emails"),
    ):
        response = getattr(remote, method)(path, {"address": "pat@example.net"})
        assert response.status_code == 403, path
        assert "Big sale" not in response.content.decode()
    from sandbox.aws.models import SesEvent

    assert not SesEvent.objects.filter(event_type__in=["Open", "Click"]).exists()


def test_an_address_identity_gets_the_verification_email(platform):
    ses = client()
    ses.create_email_identity(EmailIdentity="owner@example.org")
    [mail] = ses_emails("owner@example.org")
    assert mail["subject"].startswith("Amazon Web Services \u2013 Email Address Verification")
    assert "US East (N. Virginia)" in mail["subject"]
    web = DjangoClient()
    redirect = web.get(
        f"/sandbox/mailbox/ses/{mail['message_id']}/click/0", {"address": "owner@example.org"}
    )
    link = redirect["Location"]
    assert link.startswith(f"{settings.PUBLIC_BASE_URL}/sandbox/aws/?Action=VerifyEmailAddress")
    answer = web.get(link.removeprefix(settings.PUBLIC_BASE_URL))
    assert (
        answer.status_code == 200 and b"successfully verified owner@example.org" in answer.content
    )
    assert ses.get_email_identity(EmailIdentity="owner@example.org")["VerifiedForSendingStatus"]
    forged = web.get("/sandbox/aws/", {"Action": "VerifyEmailAddress", "Token": "1:forged"})
    assert forged.status_code == 400
