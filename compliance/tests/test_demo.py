"""`make run`'s demo: the demo tenant goes through the whole chain to a verified campaign,
and its messages flow."""

import pytest

from compliance.demo import register_demo_tenant
from compliance.models import Registration
from compliance.tests.conftest import HANDSET
from isvplatform.demo import DEMO_STEPS, ensure_demo_data
from messaging.services import message_dispatch, message_send
from sandbox import clock
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def test_the_demo_tenant_ends_with_a_verified_campaign_once(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    assert DEMO_STEPS.index("compliance.demo.register_demo_tenant") > DEMO_STEPS.index(
        "provisioning.demo.provision_demo_tenant"
    )
    tenant = ensure_demo_data()["tenant"]

    registration = Registration.objects.for_tenant(tenant).get()
    assert registration.status == Registration.Status.APPROVED and registration.is_active
    assert registration.campaign.raw_status == "VERIFIED"
    assert registration.snapshot["legal_name"] == "Demo Coffee Co LLC"

    register_demo_tenant(tenant)  # idempotent
    assert Registration.objects.for_tenant(tenant).count() == 1

    message = message_send(
        tenant=tenant, to=HANDSET, body="Your latte is ready", actor=Actor.system()
    )
    message_dispatch(str(message.pk))
    clock.advance(10)
    message.refresh_from_db()
    sent = SandboxMessage.objects.get(sid=message.sid)
    assert (sent.status, sent.error_code) == ("delivered", None)
