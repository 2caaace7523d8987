"""Exactly-once sending when Twilio's answer is lost, and sends without row locks held.

The sandbox fault `rate_500_after_write` creates the message and then answers 500, as when
Twilio accepted a send but its answer never arrived: a blind retry would send it twice.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from isvplatform import claims, gateway
from isvplatform.testing.transactions import record_twilio_calls
from messaging.models import Message, OptOut
from messaging.services import (
    SendInDoubt,
    message_dispatch,
    message_fail_after_retries,
    message_send,
    message_settle_unknown,
    unknown_message_ids,
)
from messaging.tasks import send_message_task
from messaging.tests.conftest import HANDSET, sandbox_messages_to
from sandbox import faults
from tenants.services import Actor
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db

TEMPLATE = "template"  # stands for the `template` fixture's content SID in parameters
LOSE_THE_ANSWER = {"rate_500_after_write": 1.0, "path_pattern": r"/Messages\.json$"}


def plain_500():
    """Every Messages request answered 500 before anything is done."""
    return faults.injected(rate_500=1.0, path_pattern=r"/Messages\.json$")


@pytest.fixture(autouse=True)
def _one_http_attempt(settings):
    settings.TWILIO_MAX_RETRIES = 0


@pytest.fixture
def template(provisioned) -> str:
    """A content template in the tenant's subaccount (Twilio refuses an unknown one, 21655)."""
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    content = gateway.create_content(
        client, language="en", types={"twilio/text": {"body": "Your code is {{1}}."}}
    )
    return content.sid


def queue(provisioned, **content) -> Message:
    content.setdefault("body", "" if "content_sid" in content else "Your order is ready")
    return message_send(tenant=provisioned.tenant, to=HANDSET, actor=Actor.system(), **content)


def lose_first_answer(message: Message) -> str:
    """The first attempt: Twilio creates the message, the answer is a 500."""
    with faults.injected(**LOSE_THE_ANSWER), pytest.raises(gateway.RetryableGatewayError):
        message_dispatch(str(message.pk))
    message.refresh_from_db()
    assert message.sid is None and message.in_doubt_since is not None
    (created,) = sandbox_messages_to(HANDSET)
    return created.sid


@pytest.mark.parametrize(
    "content",
    [
        {"body": "Your order is ready"},
        {"body": "Your receipt", "media_urls": ["https://example.com/receipt.png"]},
        {"content_sid": TEMPLATE, "content_variables": {"1": "1234"}},
    ],
    ids=["body", "media", "template"],
)
def test_a_500_after_twilio_accepted_the_send_is_adopted_not_sent_again(
    provisioned, eager_retries, content, template
):
    if content.get("content_sid") == TEMPLATE:
        content = {**content, "content_sid": template}
    message = queue(provisioned, **content)
    with faults.injected(**LOSE_THE_ANSWER):
        # The task's retry looks Twilio up (a read, answered) instead of posting again.
        assert send_message_task.apply(args=[str(message.pk)]).get() == "adopted"
    message.refresh_from_db()
    (created,) = sandbox_messages_to(HANDSET)
    assert message.sid == created.sid
    assert (message.in_doubt_since, message.claim_token) == (None, None)


def test_a_template_send_is_found_although_twilio_lists_the_rendered_text(provisioned, template):
    message = queue(provisioned, content_sid=template, content_variables={"1": "1234"})
    sid = lose_first_answer(message)
    # Twilio lists a template message with its rendered text, which the platform never saw.
    assert sandbox_messages_to(HANDSET).get().body == "Your code is 1234."
    assert message_dispatch(str(message.pk)).outcome == "adopted"
    message.refresh_from_db()
    assert message.sid == sid
    assert sandbox_messages_to(HANDSET).count() == 1


def test_the_original_is_found_behind_many_later_messages(provisioned):
    message = queue(provisioned)
    sid = lose_first_answer(message)
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    for n in range(60):
        gateway.send_message(
            client, to=HANDSET, from_=provisioned.number.phone_number, body=f"other {n}"
        )
    assert message_dispatch(str(message.pk)).outcome == "adopted"
    message.refresh_from_db()
    assert message.sid == sid
    assert sandbox_messages_to(HANDSET).filter(body=message.body).count() == 1


def test_nothing_found_while_in_doubt_waits_then_sends_once(provisioned, settings):
    message = queue(provisioned)
    # A plain 500: Twilio created nothing, but the platform cannot know that yet.
    with plain_500(), pytest.raises(gateway.RetryableGatewayError):
        message_dispatch(str(message.pk))
    with pytest.raises(SendInDoubt):
        message_dispatch(str(message.pk))
    assert sandbox_messages_to(HANDSET).count() == 0
    Message.objects.filter(pk=message.pk).update(doubt_until=timezone.now())
    assert message_dispatch(str(message.pk)).outcome == "sent"
    assert sandbox_messages_to(HANDSET).count() == 1


def test_two_template_sends_in_doubt_to_one_recipient_become_unknown_never_resent(
    provisioned, template
):
    first = queue(provisioned, content_sid=template)
    second = queue(provisioned, content_sid=template)
    with faults.injected(**LOSE_THE_ANSWER):
        for message in (first, second):
            with pytest.raises(gateway.RetryableGatewayError):
                message_dispatch(str(message.pk))
    assert sandbox_messages_to(HANDSET).count() == 2
    # Which Twilio message is whose cannot be told: neither is sent again.
    assert message_dispatch(str(first.pk)).outcome == "unknown"
    assert message_dispatch(str(second.pk)).outcome == "unknown"
    assert message_dispatch(str(first.pk)).outcome == "already_handled"
    first.refresh_from_db()
    assert first.status == "unknown" and first.get_status_display().startswith("Unknown")
    assert sandbox_messages_to(HANDSET).count() == 2


def test_retries_running_out_in_doubt_leave_unknown_and_the_reconciler_adopts(provisioned):
    message = queue(provisioned)
    sid = lose_first_answer(message)
    with plain_500(), pytest.raises(gateway.RetryableGatewayError) as err:
        message_dispatch(str(message.pk))  # the look-up fails too
    message_fail_after_retries(str(message.pk), err.value)
    message.refresh_from_db()
    assert message.status == "unknown" and message.sid is None
    assert str(message.pk) in unknown_message_ids(older_than_seconds=-1)

    assert message_settle_unknown(str(message.pk)) == "adopted"
    message.refresh_from_db()
    assert message.sid == sid and message.status == "queued"
    assert sandbox_messages_to(HANDSET).count() == 1


def test_the_reconciler_fails_an_unknown_message_twilio_never_got(provisioned):
    message = queue(provisioned)
    with plain_500(), pytest.raises(gateway.RetryableGatewayError) as err:
        message_dispatch(str(message.pk))
    message_fail_after_retries(str(message.pk), err.value)
    assert message_settle_unknown(str(message.pk)) == "unknown"  # Twilio's list may lag
    Message.objects.filter(pk=message.pk).update(doubt_until=timezone.now())
    assert message_settle_unknown(str(message.pk)) == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and "no record" in message.error_message
    assert sandbox_messages_to(HANDSET).count() == 0


# --- claims instead of row locks ------------------------------------------------------------


def test_no_twilio_call_of_a_send_runs_inside_a_transaction(provisioned, monkeypatch):
    calls = record_twilio_calls(monkeypatch)
    message = queue(provisioned)
    lose_first_answer(message)
    assert message_dispatch(str(message.pk)).outcome == "adopted"
    assert len(calls.made) == 2  # the lost POST, the look-up
    assert calls.in_transaction == []


def test_a_claimed_message_is_left_alone_until_its_lease_runs_out(provisioned):
    message = queue(provisioned)
    queued = Message.objects.filter(status="queued", sid__isnull=True)
    held = claims.claim(queued, message.pk, seconds=300)
    assert held is not None
    assert claims.claim(queued, message.pk, seconds=300) is None
    assert message_dispatch(str(message.pk)).outcome == "claimed_elsewhere"
    assert sandbox_messages_to(HANDSET).count() == 0

    # The first worker died: once its lease ran out the row is reclaimed and sent once.
    Message.objects.filter(pk=message.pk).update(claimed_until=timezone.now() - timedelta(1))
    assert message_dispatch(str(message.pk)).outcome == "sent"
    assert not claims.release(queued, held)
    assert sandbox_messages_to(HANDSET).count() == 1


def test_a_stop_committed_after_the_claim_but_before_the_call_still_wins(provisioned):
    message = queue(provisioned)
    queued = Message.objects.filter(status="queued", sid__isnull=True)
    held = claims.claim(queued, message.pk, seconds=300)
    # The opt-out leaves the claimed row to its worker...
    OptOut.objects.create(
        tenant=provisioned.tenant, number=HANDSET, channel="sms", source="keyword"
    )
    claims.release(queued, held)
    # ...whose re-check after claiming sees it.
    assert message_dispatch(str(message.pk)).outcome == "opted_out"
    assert sandbox_messages_to(HANDSET).count() == 0


def test_staff_see_unknown_messages_and_can_have_them_looked_up_again(provisioned, staff_user):
    message = queue(provisioned)
    sid = lose_first_answer(message)
    with plain_500(), pytest.raises(gateway.RetryableGatewayError) as err:
        message_dispatch(str(message.pk))
    message_fail_after_retries(str(message.pk), err.value)
    staff = Client()
    login_verified(staff, staff_user)
    page = staff.get("/admin/messaging/message/?status__exact=unknown")
    assert page.status_code == 200 and "Unknown: check at the provider" in page.content.decode()
    staff.post(
        "/admin/messaging/message/",
        {"action": "settle_unknown", "_selected_action": [str(message.pk)]},
    )
    message.refresh_from_db()
    assert message.sid == sid
    assert sandbox_messages_to(HANDSET).count() == 1
