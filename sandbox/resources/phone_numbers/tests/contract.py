"""Contract scenarios for AvailablePhoneNumbers and IncomingPhoneNumbers."""

API = "/2010-04-01/Accounts/{AccountSid}"


def search(ctx) -> None:
    numbers = ctx.sub.client.available_phone_numbers("US")
    numbers.local.list(area_code=415, contains="77", sms_enabled=True, limit=3)
    numbers.toll_free.list(mms_enabled=True, voice_enabled=True, limit=2)


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
