"""Content create, list, fetch and delete through the SDK, and what Twilio refuses."""

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox.resources.content.tests.contract import (
    DELIVERY_CHOICE,
    ORDER_UPDATE,
    JsonBody,
    create_content,
)

pytestmark = pytest.mark.django_db


def _refused(client, data: dict) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        client.content.v1.contents.create(JsonBody(data))
    assert caught.value.status == 400
    return caught.value


def test_create_answers_the_content_as_posted(sub):
    created = create_content(sub.client, DELIVERY_CHOICE)
    assert created.sid.startswith("HX")
    assert created.account_sid == sub.sid
    assert created.types == DELIVERY_CHOICE["types"]
    assert created.variables == {"1": "Ana"}
    assert created.links["approval_create"].endswith(f"{created.sid}/ApprovalRequests/whatsapp")
    fetched = sub.client.content.v1.contents(created.sid).fetch()
    assert (fetched.friendly_name, fetched.language) == ("delivery_choice", "en")


def test_the_sdk_typed_classes_spelling_is_refused(sub):
    from twilio.rest.content.v1.content import ContentList

    request = ContentList.ContentCreateRequest(
        {
            "friendly_name": "typed",
            "language": "en",
            "types": ContentList.Types(
                {"twilio_text": ContentList.TwilioText({"body": "Hello there"})}
            ),
        }
    )
    with pytest.raises(TwilioRestException) as caught:
        sub.client.content.v1.contents.create(request)
    assert caught.value.status == 400
    assert "twilio_text" in caught.value.msg


@pytest.mark.parametrize(
    "types, words",
    [
        ({}, "at least one content type"),
        ({"twilio/text": {}}, "body is required"),
        ({"twilio/text": {"body": "x" * 1601}}, "1600"),
        ({"twilio/text": {"body": "hi", "footer": "no"}}, "unknown field 'footer'"),
        ({"twilio/media": {"body": "hi"}}, "media is required"),
        ({"twilio/media": {"media": ["ftp://x.example/a.png"]}}, "invalid media URL"),
        (
            {"twilio/quick-reply": {"body": "Pick", "actions": [{"title": "x" * 26}]}},
            "at most 25",
        ),
        (
            {
                "twilio/quick-reply": {
                    "body": "Pick",
                    "actions": [{"title": f"b{i}"} for i in range(11)],
                }
            },
            "at most 10 actions",
        ),
        (
            {
                "twilio/call-to-action": {
                    "body": "Track it",
                    "actions": [{"type": "URL", "title": "Track", "url": "https://{{1}}.x.com/a"}],
                }
            },
            "variable only at its end",
        ),
        (
            {
                "twilio/call-to-action": {
                    "body": "Call us",
                    "actions": [
                        {"type": "PHONE_NUMBER", "title": "Call", "phone": "+14155550100"},
                        {"type": "PHONE_NUMBER", "title": "Call 2", "phone": "+14155550101"},
                    ],
                }
            },
            "at most 1 phone number button",
        ),
        (
            {
                "twilio/call-to-action": {
                    "body": "Visit",
                    "actions": [
                        {"type": "URL", "title": f"u{i}", "url": "https://x.example.com"}
                        for i in range(3)
                    ],
                }
            },
            "at most 2 URL buttons",
        ),
        ({"twilio/card": {"title": "Only a title"}}, "at least one other field"),
        (
            {"whatsapp/authentication": {"actions": [{"type": "COPY_CODE"}]}},
            "copy_code_text is required",
        ),
        (
            {
                "whatsapp/authentication": {
                    "code_expiration_minutes": 120,
                    "actions": [{"type": "COPY_CODE", "copy_code_text": "Copy code"}],
                }
            },
            "between 1 and 90",
        ),
        ({"twilio/text": {"body": "Hi {{first name}}"}}, "no spaces"),
    ],
)
def test_invalid_types_are_refused_naming_the_problem(sub, types, words):
    error = _refused(sub.client, {"language": "en", "types": types})
    assert words in error.msg


def test_language_and_variables_are_checked(sub):
    assert _refused(sub.client, {"types": ORDER_UPDATE["types"]}).code == 21200
    bad_key = {**ORDER_UPDATE, "variables": {"first name": "Ana"}}
    assert "Invalid variable name" in _refused(sub.client, bad_key).msg
    bad_value = {**ORDER_UPDATE, "variables": {"1": 5}}
    assert "must be a string" in _refused(sub.client, bad_value).msg


def test_list_pages_newest_first_and_delete_removes(sub, make_subaccount):
    first = create_content(sub.client)
    second = create_content(sub.client, DELIVERY_CHOICE)
    other = make_subaccount("tenant two")
    create_content(other.client)
    listed = [c.sid for c in sub.client.content.v1.contents.list(page_size=1)]
    assert listed == [second.sid, first.sid]
    sub.client.content.v1.contents(first.sid).delete()
    assert [c.sid for c in sub.client.content.v1.contents.list()] == [second.sid]
    with pytest.raises(TwilioRestException) as caught:
        sub.client.content.v1.contents(first.sid).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


def test_another_accounts_content_is_not_found(sub, make_subaccount):
    created = create_content(sub.client)
    other = make_subaccount("tenant two")
    with pytest.raises(TwilioRestException) as caught:
        other.client.content.v1.contents(created.sid).fetch()
    assert caught.value.status == 404
