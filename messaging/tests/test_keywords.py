"""One keyword, one reply: Twilio answers SMS keywords itself, the platform answers only where
Twilio doesn't (WhatsApp outside Advanced Opt-Out), with the tenant's own text."""

import pytest

from messaging.models import Message
from messaging.services import messaging_settings_update
from messaging.tests.conftest import HANDSET, advance, provision_tenant, sandbox_messages_to
from sandbox.handsets import send_from_handset
from sandbox.resources.messages.inbound import REPLIES
from sandbox.services import enable_whatsapp
from tenants.models import Membership
from tenants.services import Actor

pytestmark = pytest.mark.django_db

CUSTOM_HELP = "Acme Coffee: call 555-0100 or mail help@acme.example. Reply STOP to opt out."


def replies_to(address: str, before: set[str]):
    return list(
        sandbox_messages_to(address.removeprefix("whatsapp:"))
        .filter(to_address=address)
        .exclude(sid__in=before)
        .order_by("date_created", "id")
    )


def sids_to(address: str) -> set[str]:
    return set(sandbox_messages_to(address.removeprefix("whatsapp:")).values_list("sid", flat=True))


@pytest.mark.parametrize("keyword", ["HELP", "STOP"])
def test_a_new_tenant_gets_exactly_one_reply_and_none_fails(tenant, on_commit, keyword):
    # A local 10DLC number without a campaign: any reply but Twilio's own would fail (30034).
    provisioned = provision_tenant(tenant, "415", toll_free=False)
    messaging_settings_update(tenant=tenant, data={"help_reply": CUSTOM_HELP}, actor=Actor.system())
    before = sids_to(HANDSET)
    send_from_handset(HANDSET, provisioned.number.phone_number, keyword)
    on_commit(advance, 2, rounds=4)
    [reply] = replies_to(HANDSET, before)
    assert (reply.status, reply.error_code, reply.body) == ("delivered", None, REPLIES[keyword])
    assert not Message.objects.filter(origin="auto_reply").exists()
    assert Message.objects.get(direction="inbound", body=keyword).tenant == tenant


def test_on_whatsapp_the_platform_answers_once_with_the_tenants_text(provisioned, on_commit):
    ours = provisioned.number.phone_number
    enable_whatsapp(ours)
    provisioned.number.whatsapp_enabled = True
    provisioned.number.save(update_fields=["whatsapp_enabled"])
    messaging_settings_update(
        tenant=provisioned.tenant, data={"help_reply": CUSTOM_HELP}, actor=Actor.system()
    )
    handset = f"whatsapp:{HANDSET}"
    before = sids_to(handset)
    send_from_handset(HANDSET, ours, "help", channel="whatsapp")
    on_commit(advance, 2, rounds=4)
    [reply] = replies_to(handset, before)
    assert (reply.body, reply.error_code) == (CUSTOM_HELP, None)
    assert reply.status in ("delivered", "read")
    assert Message.objects.get(origin="auto_reply").body == CUSTOM_HELP


def test_the_settings_page_says_who_answers_each_sender(provisioned, member_client):
    page = member_client(role=Membership.Role.VIEWER).get("/opt-outs/").content.decode()
    assert "Replies to STOP/START/HELP are sent by" in page
    assert provisioned.number.phone_number in page
    assert "Twilio, with its standard replies." in page
