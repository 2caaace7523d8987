"""Fixtures of the verify tests: a tenant with a real sandbox subaccount and Verify switched
on (its service created at the sandbox by the task), and the codes the handsets received."""

import pytest

from provisioning.models import TwilioSubaccount
from provisioning.services import subaccount_provision, subaccount_request
from sandbox import faults
from sandbox.testing import latest_verify_code
from tenants.services import Actor
from verify.models import VerifyService
from verify.services import enable_verify, update_settings

HANDSET = "+14155550101"


def provision_subaccount(tenant) -> TwilioSubaccount:
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    sub = subaccount_provision(str(sub.pk))
    assert sub.status == TwilioSubaccount.Status.ACTIVE, sub.last_error_message
    return sub


def switch_on(tenant, run, brand_name: str = "Acme Coffee", **settings) -> VerifyService:
    """Verify on for `tenant` (subaccount provisioned first), its service active."""
    provision_subaccount(tenant)
    run(enable_verify, tenant, brand_name=brand_name)
    service = VerifyService.objects.for_tenant(tenant).get()
    if settings:
        service = run(update_settings, service, **settings)
    service.refresh_from_db()
    assert service.status == VerifyService.Status.ACTIVE, service.last_error
    return service


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a service with its on-commit callbacks (tasks run eagerly in tests)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def verify_on(tenant, owner, on_commit) -> VerifyService:
    return switch_on(tenant, on_commit, channels=["sms", "whatsapp", "call", "email"])


def code_for(to: str) -> str:
    code = latest_verify_code(to)
    assert code, f"no code reached {to}"
    return code
