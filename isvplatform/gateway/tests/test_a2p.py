"""A2P campaigns through the gateway and the sandbox: the form `create_a2p_campaign` posts
itself (the SDK's create() lacks the privacy and terms URLs) and the errors it translates."""

from types import SimpleNamespace

import pytest

from isvplatform.gateway import (
    RejectedRequest,
    account_client,
    create_a2p_campaign,
    create_messaging_service,
    create_subaccount,
    fetch_a2p_campaign,
    master_client,
)
from sandbox import clock
from sandbox.resources.us_app_to_person.models import Campaign
from sandbox.resources.us_app_to_person.tests.contract import SAMPLES, approved_brand

pytestmark = pytest.mark.django_db

CAMPAIGN = {
    "use_case": "MIXED",
    "description": "Acme Coffee sends order updates and offers to customers who opted in.",
    "message_flow": "Customers opt in by ticking an unchecked box on the Acme checkout form.",
    "message_samples": SAMPLES,
    "has_embedded_links": True,
    "has_embedded_phone": False,
}


@pytest.fixture
def a2p(settings):
    """A tenant subaccount with an approved brand and a messaging service."""
    settings.TWILIO_MODE = "sandbox"
    settings.TWILIO_SANDBOX_URL = ""
    account = create_subaccount("a2p tenant")
    client = account_client(account.sid, account.auth_token)
    ctx = SimpleNamespace(
        master=SimpleNamespace(sid=settings.TWILIO_ACCOUNT_SID, client=master_client()),
        sub=SimpleNamespace(sid=account.sid, client=client),
        advance=clock.advance,
    )
    service = create_messaging_service(client, friendly_name="acme")
    return SimpleNamespace(client=client, service_sid=service.sid, brand_sid=approved_brand(ctx))


def test_a_campaign_is_registered_with_every_parameter_the_gateway_sends(a2p):
    created = create_a2p_campaign(
        a2p.client,
        a2p.service_sid,
        brand_sid=a2p.brand_sid,
        opt_out_message="Acme Coffee: you are unsubscribed and will get no more messages.",
        opt_out_keywords=["STOP", "END"],
        help_keywords=["HELP"],
        subscriber_opt_in=True,
        privacy_policy_url="https://acme.example.com/privacy",
        terms_and_conditions_url="https://acme.example.com/terms",
        **CAMPAIGN,
    )
    assert created.sid.startswith("QE")
    assert (created.messaging_service_sid, created.brand_registration_sid, created.use_case) == (
        a2p.service_sid,
        a2p.brand_sid,
        "MIXED",
    )
    assert created.status == "PENDING"
    assert fetch_a2p_campaign(a2p.client, a2p.service_sid, created.sid) == created

    stored = Campaign.objects.get(messaging_service_sid=a2p.service_sid)
    assert stored.message_samples == SAMPLES
    assert (stored.has_embedded_links, stored.has_embedded_phone) == (True, False)
    assert (stored.subscriber_opt_in, stored.age_gated, stored.direct_lending) == (
        True,
        False,
        False,
    )
    assert (stored.opt_out_keywords, stored.help_keywords, stored.opt_in_keywords) == (
        ["STOP", "END"],
        ["HELP"],
        [],
    )
    assert stored.opt_in_message == stored.help_message == ""
    assert stored.privacy_policy_url == "https://acme.example.com/privacy"
    assert stored.terms_and_conditions_url == "https://acme.example.com/terms"


def test_a_refused_campaign_raises_the_gateway_error_with_twilios_code(a2p):
    with pytest.raises(RejectedRequest) as err:
        create_a2p_campaign(
            a2p.client,
            a2p.service_sid,
            brand_sid=a2p.brand_sid,
            **{**CAMPAIGN, "message_samples": ["too short", "also short"]},
        )
    assert (err.value.code, err.value.status, err.value.method) == (21709, 400, "POST")
    assert err.value.uri == f"/Services/{a2p.service_sid}/Compliance/Usa2p"

    create_a2p_campaign(a2p.client, a2p.service_sid, brand_sid=a2p.brand_sid, **CAMPAIGN)
    with pytest.raises(RejectedRequest) as err:
        create_a2p_campaign(a2p.client, a2p.service_sid, brand_sid=a2p.brand_sid, **CAMPAIGN)
    assert (err.value.code, err.value.status) == (21715, 409)
    assert not Campaign.objects.exclude(messaging_service_sid=a2p.service_sid).exists()
