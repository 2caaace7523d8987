"""Property-based run of schemathesis against the published OpenAPI, as a tenant and as staff.

Every operation gets a bounded number of generated requests (valid per the schema); a 5xx
or a response the schema doesn't describe fails. Requests go through the real Django stack
(WSGI) into the test database of the test, which is rolled back at the end, so no
operation needs excluding: sends and provisioning are enqueued on commit, which never comes.
"""

import pytest
import schemathesis
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from isvplatform.testing.tenancy import _factories, load_app_factories
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory, make_api_key
from twofactor.tests.helpers import verify_session

STAFF_PATHS = r"^/api/v1/staff/"
CSRF_TOKEN = "schemathesis0csrf0token000000000"
CHECKS = [not_a_server_error, response_schema_conformance]
BOUNDED = settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


# The schema the app serves (its generation reads no rows), called through its WSGI handler.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())


@pytest.fixture(autouse=True)
def _requests_keep_the_connection(db):
    """As in Django's test client, a request doesn't close the database connection when it
    ends: it holds the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tenant_headers(db) -> dict[str, str]:
    """A tenant with one object of every tenant-owned model, and its write-scoped API key."""
    tenant = TenantFactory()
    MembershipFactory(tenant=tenant, role=Membership.Role.OWNER)
    load_app_factories()
    for make in list(_factories.values()):
        make(tenant)
    return {"Authorization": f"Bearer {make_api_key(tenant)[1]}"}


@pytest.fixture
def staff_headers(db) -> dict[str, str]:
    """A signed-in staff session (with its CSRF token, which session writes need)."""
    staff = UserFactory(is_staff=True, is_superuser=True)
    TenantFactory()
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    verify_session(session, staff)  # staff must have passed their second factor
    session.save()
    return {
        "Cookie": f"sessionid={session.session_key}; csrftoken={CSRF_TOKEN}",
        "X-CSRFToken": CSRF_TOKEN,
    }


@schema.exclude(path_regex=STAFF_PATHS).parametrize()
@BOUNDED
def test_the_api_as_a_tenant(case, tenant_headers):
    case.call_and_validate(headers=tenant_headers, checks=CHECKS)


@schema.include(path_regex=STAFF_PATHS).parametrize()
@BOUNDED
def test_the_staff_api(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)
