import pytest
from django.utils import timezone

from broadcasts.tests.factories import BroadcastFactory
from contacts.models import Audience, AudienceMember
from contacts.tests.factories import ContactFactory


@pytest.fixture
def audience_of(tenant):
    """A static audience of `tenant` holding the given contacts."""

    def make(contacts, name="Customers"):
        audience = Audience.objects.create(tenant=tenant, name=name, kind=Audience.Kind.STATIC)
        AudienceMember.objects.bulk_create(
            [AudienceMember(tenant=tenant, audience=audience, contact=c) for c in contacts]
        )
        return audience

    return make


@pytest.fixture
def consented(tenant):
    """`n` SMS contacts of `tenant` with marketing consent."""

    def make(n, **kwargs):
        return [
            ContactFactory(
                tenant=tenant,
                sms_consent_at=timezone.now(),
                sms_consent_source="web_form",
                **kwargs,
            )
            for _ in range(n)
        ]

    return make


@pytest.fixture
def broadcast_to(tenant, audience_of, consented):
    """A draft SMS marketing broadcast of `tenant` to `n` consented contacts."""

    def make(n=3, **kwargs):
        return BroadcastFactory(tenant=tenant, audience=audience_of(consented(n)), **kwargs)

    return make
