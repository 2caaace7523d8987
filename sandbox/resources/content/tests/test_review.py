"""The WhatsApp approval lifecycle: submission, Meta's review rules, magic names, quality
events (pause, disable) and re-categorisation."""

import base64

import pytest
from twilio.base.exceptions import TwilioRestException

from sandbox import services
from sandbox.resources.content.tests.contract import (
    DELIVERY_CHOICE,
    ORDER_UPDATE,
    create_content,
    submit,
)

pytestmark = pytest.mark.django_db


def _status(client, sid: str) -> dict:
    return client.content.v1.contents(sid).approval_fetch().fetch().whatsapp


def _reviewed(sub, advance, data: dict, name: str, category: str = "UTILITY") -> dict:
    content = create_content(sub.client, data)
    submit(sub.client, content.sid, name, category)
    advance(60)
    return _status(sub.client, content.sid)


def _text(body: str, variables: dict | None = None) -> dict:
    types = {"twilio/text": {"body": body}}
    return {"language": "en", "variables": variables or {}, "types": types}


def test_a_clean_template_goes_received_pending_approved_within_a_minute(sub, advance):
    content = create_content(sub.client, DELIVERY_CHOICE)
    assert _status(sub.client, content.sid)["status"] == "unsubmitted"
    created = submit(sub.client, content.sid, "delivery_choice")
    assert (created.status, created.category, created.content_type) == (
        "received",
        "UTILITY",
        "twilio/quick-reply",
    )
    assert created.allow_category_change is True
    advance(5)
    assert _status(sub.client, content.sid)["status"] == "pending"
    advance(20)
    approval = _status(sub.client, content.sid)
    assert (approval["status"], approval["rejection_reason"]) == ("approved", "")
    assert approval["type"] == "whatsapp"
    [listed] = sub.client.content.v1.content_and_approvals.list()
    assert listed.approval_requests["status"] == "approved"


@pytest.mark.parametrize(
    "data, category, reason",
    [
        (_text("{{1}}, your order has shipped today.", {"1": "Ana"}), "UTILITY", "start"),
        (_text("Your order has shipped, {{1}}", {"1": "Ana"}), "UTILITY", "end"),
        (
            _text("Hello {{1}} {{2}}, your order shipped today.", {"1": "Ana", "2": "Lee"}),
            "UTILITY",
            "next to each other",
        ),
        (_text("Hello {{1}}, your order has shipped today."), "UTILITY", "(example)"),
        (
            _text("Hello {{1}}, your order {{3}} has shipped.", {"1": "Ana", "3": "#1"}),
            "UTILITY",
            "numbered in order",
        ),
        (
            _text("Hi {{1}} and {{2}} and {{3}} ok", {"1": "a", "2": "b", "3": "c"}),
            "UTILITY",
            "too generic",
        ),
        (_text("Big summer sale: 30% off all shoes this week!"), "UTILITY", "INCORRECT_CATEGORY"),
        (_text("Your code is ready in the app."), "AUTHENTICATION", "one-time password"),
    ],
)
def test_review_rules_reject_with_metas_reason(sub, advance, data, category, reason):
    approval = _reviewed(sub, advance, data, "rule_check", category)
    assert approval["status"] == "rejected"
    assert reason in approval["rejection_reason"]


def test_a_promotional_template_filed_as_marketing_is_approved(sub, advance):
    data = _text("Big summer sale: 30% off all shoes this week!")
    assert _reviewed(sub, advance, data, "summer_sale", "MARKETING")["status"] == "approved"


def test_invalid_name_format_is_rejected(sub, advance):
    approval = _reviewed(sub, advance, ORDER_UPDATE, "Order Update")
    assert approval["status"] == "rejected"
    assert "lower-case letters" in approval["rejection_reason"]


def test_authentication_template_is_approved_only_as_authentication(sub, advance):
    otp = {
        "language": "en",
        "types": {
            "whatsapp/authentication": {
                "add_security_recommendation": True,
                "code_expiration_minutes": 10,
                "actions": [{"type": "COPY_CODE", "copy_code_text": "Copy code"}],
            }
        },
    }
    assert _reviewed(sub, advance, otp, "login_code", "AUTHENTICATION")["status"] == "approved"
    wrong = _reviewed(sub, advance, otp, "login_code_utility", "UTILITY")
    assert wrong["rejection_reason"].startswith("INCORRECT_CATEGORY")


def test_submission_is_checked_at_once(sub):
    content = create_content(sub.client)
    for body, words in (
        ({"name": "x", "category": "PROMO"}, "Invalid category"),
        ({"category": "UTILITY"}, "name"),
    ):
        with pytest.raises(TwilioRestException) as caught:
            sub.client.content.v1.contents(content.sid).approval_create.create(
                type("B", (), {"to_dict": lambda self, b=body: b})()
            )
        assert caught.value.status == 400
        assert words in caught.value.msg
    submit(sub.client, content.sid, "order_update")
    with pytest.raises(TwilioRestException) as caught:
        submit(sub.client, content.sid, "order_update")
    assert "already submitted" in caught.value.msg


def test_magic_reject_name_is_rejected_for_policy(sub, advance):
    approval = _reviewed(sub, advance, ORDER_UPDATE, "sandbox_reject_order")
    assert approval["rejection_reason"].startswith("ABUSIVE_CONTENT")


def test_magic_pause_disable_and_recategorize_follow_approval(sub, advance):
    paused = create_content(sub.client)
    disabled = create_content(sub.client)
    moved = create_content(sub.client)
    submit(sub.client, paused.sid, "sandbox_pause_order")
    submit(sub.client, disabled.sid, "sandbox_disable_order")
    submit(sub.client, moved.sid, "sandbox_recategorize_order")
    advance(25)
    assert {_status(sub.client, c.sid)["status"] for c in (paused, disabled, moved)} == {"approved"}
    advance(30)
    assert _status(sub.client, paused.sid)["status"] == "paused"
    assert _status(sub.client, disabled.sid)["status"] == "disabled"
    assert _status(sub.client, moved.sid)["category"] == "MARKETING"
    advance(3 * 3600)
    assert _status(sub.client, paused.sid)["status"] == "approved"


def test_quality_events_pause_3h_then_6h_then_disable(sub, advance):
    content = create_content(sub.client)
    submit(sub.client, content.sid, "order_update")
    advance(60)
    with pytest.raises(ValueError):
        services.content_quality_event(content.sid, "PURPLE")
    services.content_quality_event(content.sid, "YELLOW")
    assert _status(sub.client, content.sid)["status"] == "approved"
    services.content_quality_event(content.sid, "RED")
    assert _status(sub.client, content.sid)["status"] == "paused"
    advance(3 * 3600 - 1)
    assert _status(sub.client, content.sid)["status"] == "paused"
    advance(1)
    assert _status(sub.client, content.sid)["status"] == "approved"
    services.content_quality_event(content.sid, "RED")
    advance(3 * 3600)
    assert _status(sub.client, content.sid)["status"] == "paused"
    advance(3 * 3600)
    assert _status(sub.client, content.sid)["status"] == "approved"
    services.content_quality_event(content.sid, "RED")
    assert _status(sub.client, content.sid)["status"] == "disabled"
    with pytest.raises(ValueError):
        services.content_quality_event(content.sid, "RED")


def test_meta_recategorises_an_approved_template(sub, advance):
    content = create_content(sub.client)
    submit(sub.client, content.sid, "order_update")
    with pytest.raises(ValueError):
        services.content_category_update(content.sid, "MARKETING")
    advance(60)
    services.content_category_update(content.sid, "MARKETING")
    approval = _status(sub.client, content.sid)
    assert (approval["status"], approval["category"]) == ("approved", "MARKETING")


def test_the_control_endpoint_posts_metas_events(client, master, sub, advance):
    content = create_content(sub.client)
    submit(sub.client, content.sid, "order_update")
    advance(60)
    path = f"/sandbox/templates/{content.sid}/events"
    token = base64.b64encode(f"{master.sid}:{master.token}".encode()).decode()
    auth = {"HTTP_AUTHORIZATION": f"Basic {token}"}
    assert client.post(path, {"quality_rating": "RED"}).status_code == 401
    paused = client.post(path, {"quality_rating": "RED"}, **auth)
    assert (paused.status_code, paused.json()["status"]) == (200, "paused")
    moved = client.post(path, {"category": "MARKETING"}, **auth)
    assert moved.json()["category"] == "MARKETING"
    assert client.post(path, {"category": "OTHER"}, **auth).status_code == 400
    assert client.post(path, {}, **auth).status_code == 400
