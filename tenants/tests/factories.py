import factory
from django.contrib.auth import get_user_model

from isvplatform.testing.tenancy import register_tenant_factory
from tenants.models import APIKey, BusinessProfile, Membership, Tenant
from tenants.services import Actor, api_key_create

TEST_PASSWORD = "pw-for-tests-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    password = factory.django.Password(TEST_PASSWORD)


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Acme {n}")
    slug = factory.Sequence(lambda n: f"acme-{n}")

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            BusinessProfile.objects.create(tenant=obj, legal_name=obj.name, **(extracted or {}))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.OWNER


def make_api_key(tenant, scopes=None):
    """Create a key for `tenant` and return (APIKey, plaintext)."""
    return api_key_create(tenant=tenant, name="test key", scopes=scopes, actor=Actor.system())


# The tenancy walk (tenants/tests/test_tenancy_walk.py) makes objects through these.
register_tenant_factory(Tenant, lambda tenant: tenant)
register_tenant_factory(
    Membership, lambda tenant: MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER)
)
register_tenant_factory(APIKey, lambda tenant: make_api_key(tenant)[0])
