"""The hand-written membership reads that every portal and API request makes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tenants.models import Membership, Tenant
from tenants.selectors import membership_for, memberships_for_user
from tenants.tests.factories import MembershipFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    user = UserFactory()
    MembershipFactory(user=user, tenant=TenantFactory(name="Zeta Shop"), role="viewer")
    MembershipFactory(user=user, tenant=TenantFactory(name="Alpha Shop"), role="owner")
    suspended = TenantFactory(name="Mid Shop", status=Tenant.Status.SUSPENDED)
    MembershipFactory(user=user, tenant=suspended, role="member")
    closed = TenantFactory(name="Beta Shop", status=Tenant.Status.CLOSED)
    MembershipFactory(user=user, tenant=closed, role="admin")
    MembershipFactory(user=UserFactory(), tenant=TenantFactory(name="Other Shop"))
    return user


def test_memberships_of_open_tenants_by_name_with_their_tenants(person, django_assert_num_queries):
    with django_assert_num_queries(1):
        memberships = memberships_for_user(person)
        seen = [(m.tenant.name, m.tenant.status, m.role, m.user.pk) for m in memberships]
    assert seen == [
        ("Alpha Shop", Tenant.Status.ACTIVE, "owner", person.pk),
        ("Mid Shop", Tenant.Status.SUSPENDED, "member", person.pk),
        ("Zeta Shop", Tenant.Status.ACTIVE, "viewer", person.pk),
    ]
    stored = {m.pk: m for m in Membership.objects.filter(user=person)}
    for membership in memberships:
        row = stored[membership.pk]
        assert (membership.tenant_id, membership.user_id) == (row.tenant_id, row.user_id)
        assert membership.tenant == row.tenant
        assert membership.tenant.created_at == row.tenant.created_at  # converted, aware
        assert membership.created_at == row.created_at  # the unread column loads on use
        assert not membership._state.adding


def test_membership_for_one_tenant(person, django_assert_num_queries):
    alpha = Tenant.objects.get(name="Alpha Shop")
    with django_assert_num_queries(1):
        membership = membership_for(person, alpha.pk)
        assert (membership.tenant.name, membership.role, membership.can_manage) == (
            "Alpha Shop",
            "owner",
            True,
        )
    assert membership_for(person, str(alpha.pk)).tenant == alpha  # as a session may hold it


@pytest.mark.parametrize("tenant_name", ["Beta Shop", "Other Shop"])
def test_no_membership_of_a_closed_or_someone_elses_tenant(person, tenant_name):
    assert membership_for(person, Tenant.objects.get(name=tenant_name).pk) is None


@pytest.mark.parametrize("tenant_id", [None, "", "not-a-number", 10**6])
def test_no_membership_for_a_missing_or_odd_tenant_id(person, tenant_id):
    assert membership_for(person, tenant_id) is None


def test_nobody_signed_in_has_no_memberships():
    assert memberships_for_user(AnonymousUser()) == []
    assert membership_for(AnonymousUser(), 1) is None
