import factory
from django.contrib.auth import get_user_model

from isvplatform.testing.tenancy import register_tenant_factory
from tenants.models import APIKey, AuditEvent, BusinessProfile, Membership, Tenant
from tenants.services import API_KEY_PREFIX, Actor, api_key_create, record_audit

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


def secret_of(raw_key: str) -> str:
    """The random part of `isv_<prefix>_<secret>`: the secret itself may contain `_`."""
    marker, prefix, secret = raw_key.split("_", 2)
    assert f"{marker}_" == API_KEY_PREFIX and len(prefix) == 8, raw_key
    assert len(secret) >= 40, raw_key
    return secret


# The tenancy walk (tenants/tests/test_tenancy_walk.py) makes objects through these.
register_tenant_factory(Tenant, lambda tenant: tenant)
register_tenant_factory(
    Membership, lambda tenant: MembershipFactory(tenant=tenant, role=Membership.Role.MEMBER)
)
register_tenant_factory(APIKey, lambda tenant: make_api_key(tenant)[0])
register_tenant_factory(
    AuditEvent,
    lambda tenant: record_audit(
        tenant=tenant, actor=Actor.system(), action="test.walked", target=tenant
    ),
)
