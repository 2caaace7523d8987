import hashlib
import hmac
import json
import time

import pytest

from provisioning.services import subaccount_provision, subaccount_request
from tenants.services import Actor
from twofactor.tests.helpers import login_verified

STRIPE_TEST_SECRET = "whsec_test_provisioning"


@pytest.fixture
def provision():
    """Provision a tenant's subaccount for real, through the sandbox (no task)."""

    def make(tenant, **kwargs):
        sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False, **kwargs)
        return subaccount_provision(str(sub.pk))

    return make


@pytest.fixture
def active_sub(tenant, provision):
    sub = provision(tenant)
    assert sub.status == "active", sub.last_error_message
    return sub


@pytest.fixture
def staff_client(staff_user):
    from rest_framework.test import APIClient

    client = APIClient()
    login_verified(client, staff_user)
    return client


def stripe_signature(payload: str, secret: str = STRIPE_TEST_SECRET, at: int | None = None) -> str:
    """A `Stripe-Signature` header made the way Stripe makes it (HMAC-SHA256, scheme v1)."""
    timestamp = int(time.time()) if at is None else at
    digest = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_id: str, event_type: str, obj: dict, created: int | None = None) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "data": {"object": obj},
        }
    )


@pytest.fixture
def eager_retries():
    """Let eagerly run tasks retry (Celery re-runs them at once) instead of raising Retry."""
    from isvplatform.celery import app

    # Settings come from Django with the CELERY_ namespace, so the namespaced key is the one read.
    saved = app.conf.CELERY_TASK_EAGER_PROPAGATES
    app.conf.CELERY_TASK_EAGER_PROPAGATES = False
    yield
    app.conf.CELERY_TASK_EAGER_PROPAGATES = saved
