"""Contract scenarios for Addresses (see sandbox/tests/test_contract.py)."""

API = "/2010-04-01/Accounts/{AccountSid}"


def addresses(ctx) -> None:
    client = ctx.sub.client
    created = client.addresses.create(
        customer_name="Acme LLC",
        street="1 Market St",
        street_secondary="Suite 5",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        iso_country="US",
        friendly_name="head office",
    )
    client.addresses.list(friendly_name="head office", iso_country="US", limit=5)
    client.addresses(created.sid).fetch()
    client.addresses(created.sid).update(street="2 Market St")
    client.addresses(created.sid).delete()


SCENARIOS = {
    "addresses": (
        {
            f"POST api:{API}/Addresses.json",
            f"GET api:{API}/Addresses.json",
            f"GET api:{API}/Addresses/{{Sid}}.json",
            f"POST api:{API}/Addresses/{{Sid}}.json",
            f"DELETE api:{API}/Addresses/{{Sid}}.json",
        },
        addresses,
    ),
}
