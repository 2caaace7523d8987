"""Contract scenarios for Accounts and AuthTokens (see sandbox/tests/test_contract.py)."""

API = "/2010-04-01"


def accounts(ctx) -> None:
    master = ctx.master.client
    created = master.api.v2010.accounts.create(friendly_name="contract")
    master.api.v2010.accounts.list(friendly_name="contract", status="active", page_size=1)
    master.api.v2010.accounts(created.sid).fetch()
    master.api.v2010.accounts(created.sid).update(status="suspended")


def auth_tokens(ctx) -> None:
    tenant = ctx.make_subaccount("rotation")
    tenant.client.accounts.v1.secondary_auth_token().create()
    tenant.client.accounts.v1.secondary_auth_token().delete()
    tenant.client.accounts.v1.secondary_auth_token().create()
    tenant.client.accounts.v1.auth_token_promotion().update()


SCENARIOS = {
    "accounts": (
        {
            f"POST api:{API}/Accounts.json",
            f"GET api:{API}/Accounts.json",
            f"GET api:{API}/Accounts/{{Sid}}.json",
            f"POST api:{API}/Accounts/{{Sid}}.json",
        },
        accounts,
    ),
    "auth_tokens": (
        {
            "POST accounts:/v1/AuthTokens/Secondary",
            "DELETE accounts:/v1/AuthTokens/Secondary",
            "POST accounts:/v1/AuthTokens/Promote",
        },
        auth_tokens,
    ),
}
