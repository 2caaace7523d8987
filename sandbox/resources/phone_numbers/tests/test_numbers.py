"""Searching, buying, configuring, moving and releasing numbers."""

import pytest
from twilio.base.exceptions import TwilioRestException

pytestmark = pytest.mark.django_db


def test_search_is_deterministic_and_honours_filters(sub):
    local = sub.client.available_phone_numbers("US").local
    first = [n.phone_number for n in local.list(area_code=510, limit=5)]
    assert first == [n.phone_number for n in local.list(area_code=510, limit=5)]
    assert all(n.startswith("+1510") for n in first)
    contains = local.list(contains="4242", limit=5)
    assert contains and all("4242" in n.phone_number for n in contains)
    letters = local.list(area_code=415, contains="CAB*", limit=3)
    assert letters and all("222" in n.phone_number[5:] for n in letters)
    voice_only = local.list(area_code=415, sms_enabled=False, limit=3)
    assert voice_only and all(not n.capabilities["sms"] for n in voice_only)
    assert all(n.phone_number[-4:].startswith("99") for n in voice_only)
    assert local.list(area_code=533) == []
    item = local.list(area_code=212, limit=1)[0]
    assert (item.iso_country, item.region) == ("US", "NY")


def test_toll_free_search(sub):
    numbers = sub.client.available_phone_numbers("US").toll_free.list(limit=10)
    assert len(numbers) == 10
    assert all(
        n.phone_number[2:5] in {"800", "833", "844", "855", "866", "877", "888"} for n in numbers
    )


def test_owned_numbers_leave_the_inventory(sub):
    local = sub.client.available_phone_numbers("US").local
    first = local.list(area_code=628, limit=1)[0].phone_number
    sub.client.incoming_phone_numbers.create(phone_number=first)
    assert first not in [n.phone_number for n in local.list(area_code=628, limit=20)]


def test_buy_configure_and_release(sub, hook_url):
    bought = sub.client.incoming_phone_numbers.create(area_code=212, sms_url=hook_url("in"))
    assert bought.phone_number.startswith("+1212")
    assert bought.capabilities == {"voice": True, "sms": True, "mms": True, "fax": False}
    assert bought.sms_url == hook_url("in") and bought.origin == "twilio"
    updated = sub.client.incoming_phone_numbers(bought.sid).update(
        sms_url=hook_url("new"), status_callback=hook_url("voice-status"), friendly_name="Main"
    )
    assert (updated.sms_url, updated.friendly_name) == (hook_url("new"), "Main")
    listed = sub.client.incoming_phone_numbers.list(phone_number=bought.phone_number)
    assert [n.sid for n in listed] == [bought.sid]
    assert sub.client.incoming_phone_numbers(bought.sid).delete() is True
    assert sub.client.incoming_phone_numbers.list() == []


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"phone_number": "not-a-number"}, 21421),
        ({"area_code": 533}, 21452),
        ({"friendly_name": "no number"}, 21421),
        ({"area_code": 415, "sms_url": "ftp://example.com"}, 21502),
    ],
)
def test_buy_errors(sub, kwargs, code):
    with pytest.raises(TwilioRestException) as caught:
        sub.client.incoming_phone_numbers.create(**kwargs)
    assert caught.value.code == code


def test_a_number_has_one_owner(sub, make_subaccount):
    bought = sub.client.incoming_phone_numbers.create(area_code=415)
    other = make_subaccount("other")
    with pytest.raises(TwilioRestException) as caught:
        other.client.incoming_phone_numbers.create(phone_number=bought.phone_number)
    assert caught.value.code == 21422


def test_toll_free_path_only_buys_toll_free(sub):
    with pytest.raises(TwilioRestException):
        sub.client.incoming_phone_numbers.toll_free.create(phone_number="+14155550100")
    bought = sub.client.incoming_phone_numbers.toll_free.create(phone_number="+18005550100")
    assert bought.phone_number == "+18005550100"
    assert [n.sid for n in sub.client.incoming_phone_numbers.toll_free.list()] == [bought.sid]
    assert sub.client.incoming_phone_numbers.local.list() == []


def test_parent_moves_a_number_to_its_subaccount(master, sub, make_subaccount):
    bought = master.client.incoming_phone_numbers.create(area_code=415)
    moved = master.client.incoming_phone_numbers(bought.sid).update(account_sid=sub.sid)
    assert moved.account_sid == sub.sid
    assert [n.sid for n in sub.client.incoming_phone_numbers.list()] == [bought.sid]
    other = make_subaccount("other")
    with pytest.raises(TwilioRestException) as caught:
        sub.client.incoming_phone_numbers(bought.sid).update(account_sid=other.sid)
    assert caught.value.status == 404
