"""Fixtures of the compliance tests: tenants provisioned for real through the sandbox (an
active subaccount and a local number), the sandbox clock, and on-commit execution."""

from dataclasses import dataclass

import pytest

from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import number_buy
from provisioning.services import subaccount_provision, subaccount_request
from sandbox import faults
from tenants.services import Actor

HANDSET = "+16285550199"


@dataclass
class Provisioned:
    tenant: object
    sub: TwilioSubaccount
    number: PhoneNumber


def provision_tenant(tenant, area_code: str = "415") -> Provisioned:
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == TwilioSubaccount.Status.ACTIVE, sub.last_error_message
    number = number_buy(tenant=tenant, actor=Actor.system(), area_code=area_code)
    number.refresh_from_db()
    return Provisioned(tenant=tenant, sub=sub, number=number)


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


@pytest.fixture
def provisioned(tenant, owner) -> Provisioned:
    return provision_tenant(tenant)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a service with its on-commit callbacks (tasks run eagerly in tests)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run
