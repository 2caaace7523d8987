"""Fixtures of the template tests: a tenant with an active subaccount in the sandbox, the
sandbox clock, and on-commit execution (tasks run eagerly in tests)."""

import pytest

from compliance.tests.conftest import provision_tenant
from sandbox import clock, faults


@pytest.fixture(autouse=True)
def _clean_sandbox_faults(db):
    yield
    faults.reset()


@pytest.fixture
def provisioned(tenant, owner):
    return provision_tenant(tenant)


@pytest.fixture
def advance():
    return clock.advance


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run a service with its on-commit callbacks (tasks run eagerly in tests)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def hook(settings, tenant):
    """A real HTTP receiver subscribed to the tenant's `template.status` events."""
    from webhooks.tests.conftest import start_receiver
    from webhooks.tests.factories import EndpointFactory

    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    server, receiver = start_receiver()
    receiver.endpoint = EndpointFactory(tenant=tenant, url=receiver.url, events=",template.status,")
    yield receiver
    server.shutdown()
    server.server_close()
