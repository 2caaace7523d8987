import pytest
from django.utils import timezone

from broadcasts.models import BroadcastRecipient
from broadcasts.services.lifecycle import broadcast_launch
from broadcasts.services.materialise import materialise
from broadcasts.tests.factories import BroadcastFactory
from contacts.tests.factories import ContactFactory
from messaging.tests.factories import OptOutFactory
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def test_opt_outs_missing_consent_and_addresses_are_left_out(tenant, audience_of, consented):
    ok = consented(3)
    opted = consented(1)[0]
    OptOutFactory(tenant=tenant, number=opted.phone, channel="sms")
    OptOutFactory(tenant=tenant, number=ok[0].phone, channel="whatsapp")  # other channel
    no_consent = ContactFactory(tenant=tenant)
    no_phone = ContactFactory(
        tenant=tenant, phone="", email="a@example.com", sms_consent_at=timezone.now()
    )
    audience = audience_of([*ok, opted, no_consent, no_phone])
    broadcast = broadcast_launch(BroadcastFactory(tenant=tenant, audience=audience), Actor.system())

    addresses = set(
        BroadcastRecipient.objects.filter(broadcast=broadcast).values_list("address", flat=True)
    )
    assert addresses == {c.phone for c in ok}
    assert (broadcast.total, broadcast.pending, broadcast.opted_out, broadcast.skipped) == (
        6,
        3,
        1,
        2,
    )


def test_transactional_needs_no_consent(tenant, audience_of):
    audience = audience_of([ContactFactory(tenant=tenant) for _ in range(2)])
    broadcast = BroadcastFactory(tenant=tenant, audience=audience, purpose="transactional")
    assert materialise(broadcast).inserted == 2


def test_whatsapp_dedupes_on_the_address(tenant, audience_of):
    now = timezone.now()
    a = ContactFactory(tenant=tenant, whatsapp="+18135559999", whatsapp_consent_at=now)
    b = ContactFactory(tenant=tenant, phone="+18135559999", whatsapp_consent_at=now)
    c = ContactFactory(tenant=tenant, whatsapp_consent_at=now)
    broadcast = BroadcastFactory(
        tenant=tenant, audience=audience_of([a, b, c]), channel="whatsapp", body=""
    )
    result = materialise(broadcast)
    assert result.inserted == 2
    assert set(
        BroadcastRecipient.objects.filter(broadcast=broadcast).values_list("address", flat=True)
    ) == {"+18135559999", c.phone}
    broadcast.refresh_from_db()
    assert (broadcast.total, broadcast.pending, broadcast.skipped) == (3, 2, 1)


def test_materialising_again_inserts_zero(tenant, broadcast_to):
    broadcast = broadcast_to(4)
    assert materialise(broadcast).inserted == 4
    assert materialise(broadcast).inserted == 0
    assert BroadcastRecipient.objects.filter(broadcast=broadcast).count() == 4
    broadcast.refresh_from_db()
    assert (broadcast.total, broadcast.pending) == (4, 4)


def test_other_tenants_contacts_never_join(tenant, other_tenant, audience_of, consented):
    stranger = ContactFactory(tenant=other_tenant, sms_consent_at=timezone.now())
    audience = audience_of(consented(1))
    from contacts.models import AudienceMember

    AudienceMember.objects.create(tenant=tenant, audience=audience, contact=stranger)
    broadcast = BroadcastFactory(tenant=tenant, audience=audience)
    assert materialise(broadcast).inserted == 1
