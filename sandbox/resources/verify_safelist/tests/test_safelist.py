"""SafeList numbers: added once (60411), fetched, removed; Fraud Guard lets them through."""

from sandbox import services
from sandbox.testing import error_of


def test_safelist_lifecycle(sub, make_subaccount):
    api = sub.client.verify.v2.safelist
    entry = api.create(phone_number="+14155550190")
    assert entry.sid.startswith("GN") and entry.phone_number == "+14155550190"
    assert error_of(lambda: api.create(phone_number="+14155550190")) == (400, 60411)
    assert error_of(lambda: api.create(phone_number="4155550190")) == (400, 60200)
    other = make_subaccount("other").client.verify.v2.safelist
    assert error_of(lambda: other("+14155550190").fetch()) == (404, 20404)
    api("+14155550190").delete()
    assert error_of(lambda: api("+14155550190").fetch()) == (404, 20404)


def test_a_safe_listed_number_passes_fraud_guard_and_geo_permissions(sub):
    service = sub.client.verify.v2.services.create(friendly_name="Acme")
    verify = sub.client.verify.v2.services(service.sid)
    services.trip_fraud_guard(sub.sid, number="+14155550191")
    services.set_verify_geo_permissions(sub.sid, blocked=["US"])
    assert error_of(lambda: verify.verifications.create(to="+14155550191", channel="sms")) == (
        403,
        60605,
    )
    sub.client.verify.v2.safelist.create(phone_number="+14155550191")
    assert verify.verifications.create(to="+14155550191", channel="sms").status == "pending"
