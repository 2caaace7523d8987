"""WhatsApp senders through the twilio SDK: registration, the code in the handset simulator,
Meta's profile limits, paging, delete, and what an ONLINE sender may do."""

import pytest
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException

from sandbox import handsets, services
from sandbox.resources.channel_senders import lifecycle
from sandbox.resources.channel_senders.models import WhatsAppSender
from sandbox.resources.channel_senders.tests.contract import Body, code_from_handset
from sandbox.resources.channel_senders.tests.contract import sender_body as body
from sandbox.resources.content.tests.contract import approved_content

pytestmark = pytest.mark.django_db

HANDSET = "+14155550100"


def senders(ctx):
    return ctx.sub.client.messaging.v2.channels_senders


def test_a_sender_goes_online_after_the_code_and_then_sends(contract_ctx):
    ctx = contract_ctx
    number = ctx.number.phone_number
    created = senders(ctx).create(body(number))
    assert created.status == "CREATING"
    assert created.sid.startswith("XE")
    assert created.configuration["waba_id"] == "1234567890"
    assert created.profile["name"] == "Acme Coffee"
    ctx.advance(5)
    pending = senders(ctx)(created.sid).fetch()
    assert pending.status == "PENDING_VERIFICATION"
    received = handsets.messages_received(number)[-1]
    assert received["from"] == "WhatsApp" and "WhatsApp Business code" in received["body"]

    with pytest.raises(TwilioRestException) as wrong:
        senders(ctx)(created.sid).update(Body(configuration={"verification_code": "000001"}))
    assert wrong.value.status == 400 and "verification code" in wrong.value.msg
    assert senders(ctx)(created.sid).fetch().status == "PENDING_VERIFICATION"

    verifying = senders(ctx)(created.sid).update(
        Body(configuration={"verification_code": code_from_handset(number)})
    )
    assert verifying.status == "VERIFYING"
    assert verifying.webhook is None and verifying.profile is None
    ctx.advance(5)
    online = senders(ctx)(created.sid).fetch()
    assert online.status == "ONLINE"
    assert online.properties == {"quality_rating": "HIGH", "messaging_limit": "250 Customers/24hr"}
    content_sid = approved_content(ctx.sub.client, ctx.advance)
    message = ctx.sub.client.messages.create(
        to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number}", content_sid=content_sid
    )
    assert message.status == "queued"


def test_a_pending_sender_cannot_send(contract_ctx):
    ctx = contract_ctx
    number = ctx.number.phone_number
    senders(ctx).create(body(number))
    ctx.advance(5)
    with pytest.raises(TwilioRestException) as caught:
        ctx.sub.client.messages.create(
            to=f"whatsapp:{HANDSET}", from_=f"whatsapp:{number}", body="hi"
        )
    assert caught.value.code == 63007


def test_voice_verification_speaks_the_code_and_a_new_code_may_be_asked_for(contract_ctx):
    ctx = contract_ctx
    number = ctx.number.phone_number
    created = senders(ctx).create(body(number, method="voice"))
    ctx.advance(5)
    [call] = [m for m in handsets.conversation(number) if m["channel"] == "voice"]
    assert call["body"].startswith("(Voice call)")
    senders(ctx)(created.sid).update(Body(configuration={"verification_method": "sms"}))
    texts = [m for m in handsets.conversation(number) if m["channel"] == "sms"]
    assert texts and "code" in texts[-1]["body"]
    with pytest.raises(TwilioRestException):  # the spoken code was replaced
        senders(ctx)(created.sid).update(
            Body(configuration={"verification_code": lifecycle.digits(call["body"])[:6]})
        )
    ok = senders(ctx)(created.sid).update(
        Body(configuration={"verification_code": code_from_handset(number)})
    )
    assert ok.status == "VERIFYING"


@pytest.mark.parametrize(
    ("waba_id", "steps", "final", "reason"),
    [
        ("000123", (5,), "OFFLINE", "63101"),
        ("777123", (5, 5, 20), "ONLINE", None),
        ("666123", (5, 5, 60), "OFFLINE", "63051"),
    ],
)
def test_magic_wabas_pick_the_outcome(contract_ctx, waba_id, steps, final, reason):
    ctx = contract_ctx
    number = ctx.number.phone_number
    created = senders(ctx).create(body(number, waba_id=waba_id))
    seen = []
    for seconds in steps:
        ctx.advance(seconds)
        fetched = senders(ctx)(created.sid).fetch()
        seen.append(fetched.status)
        if fetched.status == "PENDING_VERIFICATION":
            senders(ctx)(created.sid).update(
                Body(configuration={"verification_code": code_from_handset(number)})
            )
    assert seen[-1] == final
    if waba_id.startswith("777"):
        assert "TWILIO_REVIEW" in seen
    fetched = senders(ctx)(created.sid).fetch()
    if reason:
        assert fetched.offline_reasons[0]["code"] == reason
    else:
        assert fetched.offline_reasons is None


@pytest.mark.parametrize(
    ("profile", "field"),
    [
        ({"about": "x" * 140}, "profile.about"),
        ({"description": "x" * 513}, "profile.description"),
        ({"address": "x" * 257}, "profile.address"),
        ({"vertical": "Crypto"}, "profile.vertical"),
        ({"name": "Acme WhatsApp"}, "profile.name"),
        ({"emails": [{"email": "not-an-email"}]}, "profile.emails"),
        (
            {"websites": [{"website": f"https://w{i}.example.com"} for i in range(3)]},
            "profile.websites",
        ),
        ({"unknown": "x"}, "profile.unknown"),
    ],
)
def test_meta_profile_limits_answer_400(contract_ctx, profile, field):
    ctx = contract_ctx
    with pytest.raises(TwilioRestException) as caught:
        senders(ctx).create(body(ctx.number.phone_number, **profile))
    assert caught.value.status == 400
    assert field in caught.value.msg


def test_the_number_must_be_the_accounts_and_not_already_a_sender(contract_ctx):
    ctx = contract_ctx
    with pytest.raises(TwilioRestException) as caught:
        senders(ctx).create(body("+14155550199"))
    assert caught.value.status == 400 and "sender_id" in caught.value.msg
    senders(ctx).create(body(ctx.number.phone_number))
    with pytest.raises(TwilioRestException) as again:
        senders(ctx).create(body(ctx.number.phone_number))
    assert "already registered" in again.value.msg
    other = ctx.make_subaccount("other")
    with pytest.raises(TwilioRestException):
        other.client.messaging.v2.channels_senders.create(body(ctx.number.phone_number))


def test_list_pages_fetch_and_delete(contract_ctx):
    ctx = contract_ctx
    made = []
    for area in (415, 628, 650):
        bought = ctx.buy_number(ctx.sub, area_code=area)
        made.append(senders(ctx).create(body(bought.phone_number)).sid)
    listed = senders(ctx).list(channel="whatsapp", page_size=2)
    assert [s.sid for s in listed] == made
    assert senders(ctx).list(channel="rcs") == []
    assert (
        ctx.make_subaccount("b").client.messaging.v2.channels_senders.list(channel="whatsapp") == []
    )
    assert senders(ctx)(made[0]).delete() is True
    with pytest.raises(TwilioRestException) as gone:
        senders(ctx)(made[0]).fetch()
    assert gone.value.status == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tier", "limit"),
    [("250 Customers/24hr", 250), ("10K Customers/24hr", 10_000), ("UNLIMITED", None)],
)
def test_the_senders_tier_is_the_messaging_limit_template_sends_count_against(tier, limit):
    account = services.ensure_master_account()
    WhatsAppSender.objects.create(
        sid="XE" + "1" * 32, account=account, phone_number="+14155550177", messaging_limit=tier,
        date_created=timezone.now(), date_updated=timezone.now(),
    )  # fmt: skip
    assert lifecycle.sender_messaging_limit("whatsapp:+14155550177") == limit
    assert lifecycle.sender_messaging_limit("whatsapp:+14155550999") is None
