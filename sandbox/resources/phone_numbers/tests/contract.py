"""Contract scenarios for AvailablePhoneNumbers and IncomingPhoneNumbers."""

from sandbox.testing import error_of

API = "/2010-04-01/Accounts/{AccountSid}"


def search(ctx) -> None:
    numbers = ctx.sub.client.available_phone_numbers("US")
    numbers.local.list(area_code=415, contains="77", sms_enabled=True, limit=3)
    numbers.toll_free.list(mms_enabled=True, voice_enabled=True, limit=2)
    numbers.local.list(in_region="CA", in_postal_code="94612", in_locality="Oakland", limit=2)
    numbers.local.list(near_lat_long="37.7749,-122.4194", distance=10, limit=2)
    numbers.local.list(near_number="+14155550100", in_lata="722", in_rate_center="OKLD", limit=2)
    numbers.local.list(exclude_all_address_required=True, fax_enabled=False, beta=True, limit=1)
    error_of(lambda: numbers.local.list(in_rate_center="OKLD", limit=1))


def countries(ctx) -> None:
    client = ctx.sub.client
    for country in client.available_phone_numbers.list():
        client.available_phone_numbers(country.country_code).fetch()
    client.available_phone_numbers("GB").mobile.list(sms_enabled=True, limit=2)
    client.available_phone_numbers("GB").local.list(in_locality="London", limit=2)
    client.available_phone_numbers("CA").local.list(area_code=604, limit=2)
    client.available_phone_numbers("CA").toll_free.list(limit=1)
    error_of(lambda: client.available_phone_numbers("US").mobile.list(limit=1))
    error_of(lambda: client.available_phone_numbers("ZZ").fetch())


def buy_and_configure(ctx) -> None:
    client = ctx.sub.client
    client.incoming_phone_numbers.create(area_code=628, friendly_name="main line")
    search = client.available_phone_numbers("US")
    local = client.incoming_phone_numbers.local.create(
        phone_number=search.local.list(area_code=212, limit=1)[0].phone_number
    )
    toll_free = client.incoming_phone_numbers.toll_free.create(
        phone_number=search.toll_free.list(area_code=800, limit=1)[0].phone_number
    )
    mobile = client.incoming_phone_numbers.mobile.create(
        phone_number=search.local.list(area_code=305, limit=1)[0].phone_number
    )
    client.incoming_phone_numbers.list(phone_number=local.phone_number, limit=5)
    client.incoming_phone_numbers.local.list(limit=5)
    client.incoming_phone_numbers.toll_free.list(limit=5)
    client.incoming_phone_numbers.mobile.list(limit=5)
    client.incoming_phone_numbers(local.sid).fetch()
    client.incoming_phone_numbers(local.sid).update(
        sms_url=ctx.hook_url("inbound"), sms_method="POST", status_callback=ctx.hook_url("s")
    )
    client.incoming_phone_numbers(toll_free.sid).delete()
    client.incoming_phone_numbers(mobile.sid).delete()


SCENARIOS = {
    "search": (
        {
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}/Local.json",
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}/TollFree.json",
        },
        search,
    ),
    "countries": (
        {
            f"GET api:{API}/AvailablePhoneNumbers.json",
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}.json",
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}/Mobile.json",
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}/Local.json",
            f"GET api:{API}/AvailablePhoneNumbers/{{CountryCode}}/TollFree.json",
        },
        countries,
    ),
    "buy_and_configure": (
        {
            f"POST api:{API}/IncomingPhoneNumbers.json",
            f"POST api:{API}/IncomingPhoneNumbers/Local.json",
            f"POST api:{API}/IncomingPhoneNumbers/TollFree.json",
            f"POST api:{API}/IncomingPhoneNumbers/Mobile.json",
            f"GET api:{API}/IncomingPhoneNumbers.json",
            f"GET api:{API}/IncomingPhoneNumbers/Local.json",
            f"GET api:{API}/IncomingPhoneNumbers/TollFree.json",
            f"GET api:{API}/IncomingPhoneNumbers/Mobile.json",
            f"GET api:{API}/IncomingPhoneNumbers/{{Sid}}.json",
            f"POST api:{API}/IncomingPhoneNumbers/{{Sid}}.json",
            f"DELETE api:{API}/IncomingPhoneNumbers/{{Sid}}.json",
        },
        buy_and_configure,
    ),
}
