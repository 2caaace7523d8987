"""The demo step of `make run`: an active subaccount and a configured number, once."""

import pytest

from isvplatform.demo import DEMO_STEPS
from provisioning.demo import provision_demo_tenant
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import webhook_urls
from provisioning.selectors import open_subaccount
from sandbox.core.models import Account as SandboxAccount
from sandbox.core.models import ApiKey as SandboxKey
from sandbox.resources.phone_numbers.models import PhoneNumber as SandboxNumber

pytestmark = pytest.mark.django_db


def test_the_step_is_registered():
    assert "provisioning.demo.provision_demo_tenant" in DEMO_STEPS


def test_the_demo_tenant_gets_a_subaccount_and_a_number_once(tenant):
    provision_demo_tenant(tenant)
    provision_demo_tenant(tenant)

    sub = open_subaccount(tenant)
    assert sub.status == TwilioSubaccount.Status.ACTIVE
    assert SandboxAccount.objects.filter(friendly_name=sub.friendly_name).count() == 1
    number = PhoneNumber.objects.for_tenant(tenant).get()
    assert number.is_primary and number.phone_number.startswith("+1415")
    twilio = SandboxNumber.objects.get(sid=number.sid)
    assert (twilio.sms_url, twilio.status_callback) == webhook_urls()


def test_a_demo_subaccount_from_before_api_keys_gets_its_key(tenant):
    provision_demo_tenant(tenant)
    sub = open_subaccount(tenant)
    SandboxKey.objects.filter(account__sid=sub.sid).delete()
    TwilioSubaccount.objects.filter(pk=sub.pk).update(api_key_sid="", api_key_secret=None)

    provision_demo_tenant(tenant)

    sub = open_subaccount(tenant)
    assert sub.has_api_key
    assert list(SandboxKey.objects.filter(account__sid=sub.sid).values_list("sid", flat=True)) == [
        sub.api_key_sid
    ]
