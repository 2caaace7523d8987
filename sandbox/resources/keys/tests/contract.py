"""Contract scenarios for API keys (see sandbox/tests/test_contract.py)."""

KEYS = "/2010-04-01/Accounts/{AccountSid}/Keys"


def keys(ctx) -> None:
    tenant = ctx.make_subaccount("keys")
    account = tenant.client.api.v2010.accounts(tenant.sid)
    created = account.new_keys.create(friendly_name="contract")
    account.keys.list(page_size=5)
    account.keys(created.sid).fetch()
    account.keys(created.sid).update(friendly_name="renamed")
    account.keys(created.sid).delete()


SCENARIOS = {
    "keys": (
        {
            f"POST api:{KEYS}.json",
            f"GET api:{KEYS}.json",
            f"GET api:{KEYS}/{{Sid}}.json",
            f"POST api:{KEYS}/{{Sid}}.json",
            f"DELETE api:{KEYS}/{{Sid}}.json",
        },
        keys,
    ),
}
