"""Phone numbers: search, buy with webhooks, primary, release, limits, sync and the pool."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from isvplatform import gateway
from provisioning.accounts import subaccount_client
from provisioning.errors import ProvisioningConflict
from provisioning.models import MessagingService, PhoneNumber, PooledNumber, ReconcileRecord
from provisioning.numbers import (
    number_buy,
    number_release,
    number_search,
    number_set_primary,
    numbers_sync,
    pool_allocate,
    pool_buy,
    pool_release,
    webhook_urls,
)
from provisioning.services import subaccount_set_number_limit
from sandbox.resources.phone_numbers.models import PhoneNumber as SandboxNumber
from tenants.models import AuditEvent
from tenants.services import Actor

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system()


def in_twilio(sid: str) -> SandboxNumber | None:
    return SandboxNumber.objects.select_related("account").filter(sid=sid).first()


def test_search_filters_by_area_code_contains_and_type(tenant, active_sub):
    local = number_search(tenant=tenant, area_code="415", sms=True)
    assert local and all(o.phone_number.startswith("+1415") for o in local)
    assert all(o.monthly_price == Decimal(settings.NUMBER_MONTHLY_PRICES["local"]) for o in local)

    containing = number_search(tenant=tenant, area_code="212", contains="7*7")
    assert containing
    assert all(o.phone_number.startswith("+1212") for o in containing)

    toll_free = number_search(tenant=tenant, number_type="toll_free")
    assert toll_free and all(o.number_type == "toll_free" for o in toll_free)
    assert toll_free[0].monthly_price == Decimal(settings.NUMBER_MONTHLY_PRICES["toll_free"])


def test_search_by_region_and_postal_code(tenant, active_sub):
    new_york = number_search(tenant=tenant, region="ny")
    assert new_york and {o.region for o in new_york} == {"NY"}
    assert {o.phone_number[2:5] for o in new_york} == {"212", "646"}
    oakland = number_search(tenant=tenant, postal_code="94612")
    assert oakland and {(o.locality, o.postal_code) for o in oakland} == {("Oakland", "94612")}
    assert number_search(tenant=tenant, country="US", number_type="mobile") == []
    with pytest.raises(ValidationError) as err:
        number_search(tenant=tenant, region="New York", postal_code="!")
    assert set(err.value.message_dict) == {"region", "postal_code"}


def test_search_validates_its_filters(tenant, active_sub):
    with pytest.raises(ValidationError) as err:
        number_search(tenant=tenant, area_code="41", contains="x", number_type="fax")
    assert set(err.value.message_dict) == {"area_code", "contains", "type"}


def test_buying_configures_webhooks_and_makes_the_first_number_primary(tenant, active_sub):
    offer = number_search(tenant=tenant, area_code="415")[0]

    number = number_buy(tenant=tenant, actor=SYSTEM, phone_number=offer.phone_number)

    sms_url, status_callback = webhook_urls()
    twilio = in_twilio(number.sid)
    assert twilio.account.sid == active_sub.sid
    assert twilio.sms_url == sms_url == f"{settings.PUBLIC_BASE_URL}/webhooks/twilio/inbound"
    assert twilio.status_callback == status_callback
    assert number.phone_number == offer.phone_number
    assert number.is_primary and number.status == PhoneNumber.Status.ACTIVE
    assert number.monthly_price == offer.monthly_price
    assert number.sms_url == sms_url
    assert AuditEvent.objects.filter(action="number.purchased", target_id=str(number.pk)).exists()

    second = number_buy(tenant=tenant, actor=SYSTEM, area_code="212")
    assert not second.is_primary


def test_buying_needs_an_active_subaccount(tenant):
    with pytest.raises(ProvisioningConflict) as err:
        number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    assert err.value.code == "subaccount_not_active"


def test_an_unavailable_number_is_refused_with_twilios_code(tenant, active_sub):
    taken = number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    with pytest.raises(gateway.RejectedRequest) as err:
        number_buy(tenant=tenant, actor=SYSTEM, phone_number=taken.phone_number)
    assert err.value.code == 21422
    assert PhoneNumber.objects.for_tenant(tenant).count() == 1


def test_the_number_limit_and_its_staff_override(tenant, active_sub, settings):
    settings.NUMBER_LIMIT_PER_TENANT = 1
    number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    with pytest.raises(ProvisioningConflict) as err:
        number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    assert err.value.code == "number_limit_reached"

    subaccount_set_number_limit(subaccount=active_sub, limit=2, actor=SYSTEM)
    number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    assert PhoneNumber.objects.for_tenant(tenant).filter(status="active").count() == 2


def test_exactly_one_primary_number(tenant, active_sub):
    first = number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    second = number_buy(tenant=tenant, actor=SYSTEM, area_code="212")

    number_set_primary(number=second, actor=SYSTEM)

    primaries = PhoneNumber.objects.for_tenant(tenant).filter(is_primary=True)
    assert list(primaries) == [second]
    first.refresh_from_db()
    assert not first.is_primary


def test_release_deletes_in_twilio_keeps_history_and_moves_primary(tenant, active_sub):
    first = number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    second = number_buy(tenant=tenant, actor=SYSTEM, area_code="212")

    released = number_release(number=first, actor=SYSTEM)

    assert released.status == PhoneNumber.Status.RELEASED and released.released_at
    assert not released.is_primary
    assert in_twilio(first.sid) is None
    second.refresh_from_db()
    assert second.is_primary
    assert number_release(number=released, actor=SYSTEM).released_at == released.released_at
    with pytest.raises(ProvisioningConflict):
        number_set_primary(number=released, actor=SYSTEM)


def test_numbers_join_and_leave_the_messaging_service(tenant, active_sub):
    client = subaccount_client(active_sub)
    info = gateway.create_messaging_service(client, friendly_name="Acme sender pool")
    service = MessagingService.objects.create(
        tenant=tenant, subaccount=active_sub, sid=info.sid, friendly_name="Acme sender pool"
    )

    number = number_buy(tenant=tenant, actor=SYSTEM, area_code="415")

    assert number.messaging_service == service
    assert gateway.list_service_number_sids(client, service.sid) == [number.sid]

    number_release(number=number, actor=SYSTEM)
    assert gateway.list_service_number_sids(client, service.sid) == []


def test_sync_adopts_numbers_bought_outside_and_drops_gone_ones(tenant, active_sub):
    ours = number_buy(tenant=tenant, actor=SYSTEM, area_code="415")
    client = subaccount_client(active_sub)
    outside = gateway.buy_number(client, area_code="646")  # bought in the Twilio console
    gateway.release_number(client, ours.sid)  # released in the Twilio console

    fixed = numbers_sync(subaccount=active_sub)

    kinds = sorted(r.kind for r in fixed)
    assert kinds == sorted(
        [
            ReconcileRecord.Kind.NUMBER_ADDED,
            ReconcileRecord.Kind.NUMBER_GONE,
            ReconcileRecord.Kind.NUMBER_WEBHOOKS,
        ]
    )
    adopted = PhoneNumber.objects.for_tenant(tenant).get(sid=outside.sid)
    assert adopted.origin == PhoneNumber.Origin.EXTERNAL
    assert adopted.is_primary  # the only active number left
    assert in_twilio(outside.sid).sms_url == webhook_urls()[0]
    ours.refresh_from_db()
    assert ours.status == PhoneNumber.Status.RELEASED
    assert numbers_sync(subaccount=active_sub) == []


def test_the_pool_buy_allocate_return_and_release(tenant, active_sub, settings):
    pooled = pool_buy(actor=SYSTEM, area_code="628")
    assert in_twilio(pooled.sid).account.sid == settings.TWILIO_ACCOUNT_SID
    assert pooled.status == PooledNumber.Status.AVAILABLE

    number = pool_allocate(pooled=pooled, tenant=tenant, actor=SYSTEM)

    twilio = in_twilio(pooled.sid)
    assert twilio.account.sid == active_sub.sid
    assert twilio.sms_url == webhook_urls()[0]
    assert number.sid == pooled.sid and number.origin == PhoneNumber.Origin.POOL
    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.ALLOCATED and pooled.allocated_tenant == tenant
    with pytest.raises(ProvisioningConflict):
        pool_allocate(pooled=pooled, tenant=tenant, actor=SYSTEM)

    number_release(number=number, actor=SYSTEM)

    twilio = in_twilio(pooled.sid)
    assert twilio.account.sid == settings.TWILIO_ACCOUNT_SID
    assert not twilio.sms_url
    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.AVAILABLE and pooled.allocated_tenant is None
    assert AuditEvent.objects.filter(action="number.returned_to_pool").exists()

    pool_release(pooled=pooled, actor=SYSTEM)
    assert in_twilio(pooled.sid) is None
    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.RELEASED


def test_a_pooled_number_can_be_released_to_twilio_instead(tenant, active_sub):
    pooled = pool_buy(actor=SYSTEM, area_code="628")
    number = pool_allocate(pooled=pooled, tenant=tenant, actor=SYSTEM)

    number_release(number=number, actor=SYSTEM, to_pool=False)

    assert in_twilio(pooled.sid) is None
    pooled.refresh_from_db()
    assert pooled.status == PooledNumber.Status.RELEASED
