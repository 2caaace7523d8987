"""Number search: places in the answers, Twilio's geographic filters, other countries."""

import pytest

from sandbox.testing import error_of

pytestmark = pytest.mark.django_db


def local(sub, country="US"):
    return sub.client.available_phone_numbers(country).local


def test_answers_carry_the_place_of_each_number(sub):
    numbers = local(sub).list(area_code=510, limit=6)
    assert {n.locality for n in numbers} == {"Oakland", "Berkeley"}
    oakland = next(n for n in numbers if n.locality == "Oakland")
    assert (oakland.region, oakland.postal_code, oakland.lata) == ("CA", "94612", "722")
    assert (oakland.rate_center, oakland.iso_country) == ("OKLD", "US")
    assert (float(oakland.latitude), float(oakland.longitude)) == (37.8044, -122.2712)
    assert oakland.address_requirements == "none"


def test_in_region_postal_code_and_locality(sub):
    new_york = local(sub).list(in_region="NY", limit=6)
    assert new_york and all(n.region == "NY" for n in new_york)
    assert {n.phone_number[2:5] for n in new_york} == {"212", "646"}
    oakland = local(sub).list(in_postal_code="94612", limit=4)
    assert oakland and all(n.locality == "Oakland" for n in oakland)
    berkeley = local(sub).list(in_locality="berkeley", limit=4)
    assert berkeley and all(n.postal_code == "94704" for n in berkeley)
    assert local(sub).list(in_region="TX", limit=4) == []


def test_a_phone_number_as_the_value_means_the_same_place_as_that_number(sub):
    same_region = local(sub).list(in_region="+13125550100", limit=4)
    assert same_region and all(n.region == "IL" for n in same_region)


def test_near_lat_long_keeps_the_places_within_distance(sub):
    downtown = "37.7749,-122.4194"
    close = local(sub).list(near_lat_long=downtown, distance=5, limit=10)
    assert close and {n.locality for n in close} == {"San Francisco"}
    default = local(sub).list(near_lat_long=downtown, limit=40)
    assert {n.locality for n in default} == {"San Francisco", "San Rafael", "Oakland", "Berkeley"}


def test_near_number_searches_around_that_number(sub):
    near = local(sub).list(near_number="+12125550100", limit=10)
    assert near and {n.locality for n in near} == {"New York"}
    assert local(sub).list(near_number="+12125550100", distance=0, in_region="CA") == []


def test_rate_center_needs_the_lata(sub):
    assert error_of(lambda: local(sub).list(in_rate_center="OKLD", limit=1)) == (400, 21200)
    found = local(sub).list(in_rate_center="OKLD", in_lata="722", limit=4)
    assert found and all(n.locality == "Oakland" for n in found)
    assert local(sub).list(in_rate_center="OKLD", in_lata="132", limit=4) == []


@pytest.mark.parametrize(
    "query",
    [
        {"distance": 501, "near_number": "+14155550100"},
        {"near_lat_long": "north"},
        {"near_number": "x"},
    ],
)
def test_bad_near_searches_are_400(sub, query):
    assert error_of(lambda: local(sub).list(limit=1, **query))[0] == 400


def test_country_list_and_fetch(sub):
    countries = {c.country_code: c for c in sub.client.available_phone_numbers.list()}
    assert set(countries) == {"US", "CA", "GB"}
    gb = sub.client.available_phone_numbers("GB").fetch()
    assert gb.country == "United Kingdom"
    assert set(gb.subresource_uris) == {"local", "mobile"}
    assert set(countries["US"].subresource_uris) == {"local", "toll_free"}
    assert error_of(lambda: sub.client.available_phone_numbers("ZZ").fetch()) == (404, 20404)


def test_no_mobile_numbers_in_the_us(sub):
    assert error_of(lambda: sub.client.available_phone_numbers("US").mobile.list()) == (404, 20404)


def test_gb_numbers_and_their_address_requirements(sub):
    mobiles = sub.client.available_phone_numbers("GB").mobile.list(limit=5)
    assert mobiles and all(n.phone_number.startswith("+447") for n in mobiles)
    assert all(n.address_requirements == "any" and n.iso_country == "GB" for n in mobiles)
    assert all(n.capabilities["sms"] and not n.capabilities["mms"] for n in mobiles)
    london = local(sub, "GB").list(in_locality="London", limit=5)
    assert london and all(n.phone_number.startswith("+4420") for n in london)
    assert all(n.address_requirements == "local" and n.latitude is None for n in london)
    assert local(sub, "GB").list(exclude_local_address_required=True) == []
    assert local(sub, "GB").list(in_region="CA") == []


def test_canadian_numbers(sub):
    vancouver = local(sub, "CA").list(area_code=604, limit=3)
    assert vancouver and all(
        (n.locality, n.region, n.iso_country) == ("Vancouver", "BC", "CA") for n in vancouver
    )
    toronto = local(sub, "CA").list(in_region="ON", limit=6)
    assert {n.phone_number[2:5] for n in toronto} == {"416", "647"}
    assert local(sub, "CA").list(area_code=212) == []
    bought = sub.client.incoming_phone_numbers.create(area_code=416)
    assert bought.phone_number.startswith("+1416")


def test_a_uk_number_needs_an_address_that_satisfies_it(sub):
    london = local(sub, "GB").list(limit=1)[0].phone_number
    mobile = sub.client.available_phone_numbers("GB").mobile.list(limit=1)[0].phone_number
    addresses = sub.client.addresses
    us = addresses.create(
        customer_name="Acme",
        street="1 Main St",
        city="Austin",
        region="TX",
        postal_code="78701",
        iso_country="US",
    )
    uk = addresses.create(
        customer_name="Acme UK",
        street="1 High St",
        city="London",
        region="London",
        postal_code="EC1A 1BB",
        iso_country="GB",
    )
    buy = sub.client.incoming_phone_numbers.create
    assert error_of(lambda: buy(phone_number=mobile)) == (400, 21631)
    assert error_of(lambda: buy(phone_number=london, address_sid=us.sid)) == (400, 21631)
    bought = buy(phone_number=london, address_sid=uk.sid)
    assert (bought.address_requirements, bought.address_sid) == ("local", uk.sid)
    assert not bought.capabilities["sms"]
    assert buy(phone_number=mobile, address_sid=us.sid).capabilities["sms"]


def test_a_bad_contains_is_refused_even_where_there_are_no_numbers(sub):
    assert error_of(lambda: local(sub).list(in_region="TX", contains="+")) == (400, 21200)
