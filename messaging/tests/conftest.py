"""Fixtures of the messaging tests: tenants provisioned for real through the sandbox, signed
Twilio callbacks, and the sandbox's clock and handsets."""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from compliance.testing import verify_toll_free
from isvplatform.gateway import compute_signature
from messaging.tests.factories import MessageFactory
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy, number_search
from provisioning.services import subaccount_provision, subaccount_request
from sandbox import clock, faults
from sandbox.resources.messages.models import Message as SandboxMessage
from tenants.models import Membership
from tenants.services import Actor
from tenants.tests.factories import make_api_key

HANDSET = "+16285550111"


@dataclass
class Provisioned:
    tenant: object
    sub: TwilioSubaccount
    number: PhoneNumber

    @property
    def token(self) -> str:
        return self.sub.auth_token.reveal()


def provision_tenant(tenant, area_code: str = "", *, toll_free: bool = True) -> Provisioned:
    """An active sandbox subaccount with one number (primary), as onboarding leaves it.

    By default the number is toll-free and verified through toll-free verification (as a
    real toll-free sender must be, or Twilio fails its US traffic with 30032): it needs no
    A2P 10DLC campaign, so the 10DLC gate and the carriers' 30034 rule (both tested by the
    compliance app) stay out of the way. `toll_free=False` buys a local (10DLC) number in
    `area_code`.
    """
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == TwilioSubaccount.Status.ACTIVE, sub.last_error_message
    if toll_free:
        offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
        number = number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
        verification = verify_toll_free(tenant, number)
        assert verification.raw_status == "TWILIO_APPROVED", verification.failure_reason
    else:
        number = number_buy(tenant=tenant, actor=Actor.system(), area_code=area_code or "415")
    number.refresh_from_db()
    assert number.is_primary
    return Provisioned(tenant=tenant, sub=sub, number=number)


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


@pytest.fixture
def provisioned(tenant) -> Provisioned:
    return provision_tenant(tenant)


@pytest.fixture
def other_provisioned(other_tenant) -> Provisioned:
    return provision_tenant(other_tenant)


def rows_only(tenant, number: str = "+18335550100") -> Provisioned:
    """The platform's rows of a provisioned tenant, without Twilio's side (for callbacks
    signed by the test itself); its toll-free number's verification is approved."""
    from compliance.tests.factories import TollFreeVerificationFactory
    from provisioning.tests.factories import PhoneNumberFactory, SubaccountFactory

    sub = SubaccountFactory(tenant=tenant)
    phone = PhoneNumberFactory(
        tenant=tenant,
        subaccount=sub,
        phone_number=number,
        number_type=PhoneNumber.NumberType.TOLL_FREE,
        is_primary=True,
    )
    TollFreeVerificationFactory(
        tenant=tenant, phone_number=phone, status="approved", raw_status="TWILIO_APPROVED"
    )
    return Provisioned(tenant=tenant, sub=sub, number=phone)


@pytest.fixture
def accounted(tenant) -> Provisioned:
    return rows_only(tenant)


@pytest.fixture
def other_accounted(other_tenant) -> Provisioned:
    return rows_only(other_tenant, "+18335550199")


@pytest.fixture
def sent(accounted):
    """A queued outbound message on the tenant's number, awaiting its callbacks."""
    return MessageFactory(
        tenant=accounted.tenant,
        to_number=HANDSET,
        from_number=accounted.number.phone_number,
        account_sid=accounted.sub.sid,
        status="queued",
        status_rank=10,
    )


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the outbox enqueue) inside the test's transaction."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def eager_retries():
    """Let eagerly run tasks retry (Celery re-runs them at once) instead of raising Retry."""
    from isvplatform.celery import app

    saved = app.conf.CELERY_TASK_EAGER_PROPAGATES
    app.conf.CELERY_TASK_EAGER_PROPAGATES = False
    yield
    app.conf.CELERY_TASK_EAGER_PROPAGATES = saved


@pytest.fixture
def owner_api(member_client):
    return member_client(role=Membership.Role.OWNER)


@pytest.fixture
def key_api(tenant):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


def advance(seconds: float = 5.0, rounds: int = 1):
    """Move the sandbox clock (lifecycles run, callbacks are delivered in-process)."""
    for _ in range(rounds):
        clock.advance(seconds)


def sandbox_messages_to(number: str):
    return SandboxMessage.objects.filter(to_address__in=[number, f"whatsapp:{number}"])


def signed_post(client, path: str, params: dict, token: str, *, signature: str | None = None):
    """POST a form as Twilio does, signed for PUBLIC_BASE_URL + path."""
    url = f"{settings.PUBLIC_BASE_URL}{path}"
    sig = compute_signature(token, url, params) if signature is None else signature
    headers = {"HTTP_X_TWILIO_SIGNATURE": sig} if sig else {}
    return client.post(
        path, data=urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )
