import pytest
from django.test import Client
from rest_framework.test import APIClient

from tenants.models import Membership
from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory


@pytest.fixture
def tenant(db):
    return TenantFactory()


@pytest.fixture
def other_tenant(db):
    return TenantFactory()


@pytest.fixture
def owner(tenant):
    return MembershipFactory(tenant=tenant, role=Membership.Role.OWNER).user


@pytest.fixture
def portal(tenant):
    """A browser-like client signed in as an owner of `tenant`, with it chosen in the session."""
    membership = MembershipFactory(tenant=tenant, role=Membership.Role.OWNER)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def member_client(tenant):
    """An API client signed in as a member of `tenant` with the given role."""

    def make(role=Membership.Role.OWNER, for_tenant=None):
        membership = MembershipFactory(tenant=for_tenant or tenant, role=role)
        client = APIClient()
        client.force_login(membership.user)
        session = client.session
        session["tenant_id"] = membership.tenant_id
        session.save()
        client.membership = membership
        return client

    return make


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, past the second factor that staff must use."""
    from twofactor.tests.helpers import login_verified

    login_verified(client, admin_user)
    return client
