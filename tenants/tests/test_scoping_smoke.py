from tenants.models import Membership
from tenants.tests.factories import MembershipFactory


def test_for_tenant_returns_only_that_tenants_rows(tenant, other_tenant):
    mine = MembershipFactory(tenant=tenant)
    MembershipFactory(tenant=other_tenant)
    assert list(Membership.objects.for_tenant(tenant)) == [mine]
