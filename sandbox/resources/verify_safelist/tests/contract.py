"""Contract scenarios for the Verify SafeList (see sandbox/tests/test_contract.py)."""

PATH = "/v2/SafeList/Numbers"


def safelist(ctx) -> None:
    api = ctx.sub.client.verify.v2.safelist
    api.create(phone_number="+14155550190")
    api("+14155550190").fetch()
    api("+14155550190").delete()


SCENARIOS = {
    "safelist": (
        {
            f"POST verify:{PATH}",
            f"GET verify:{PATH}/{{PhoneNumber}}",
            f"DELETE verify:{PATH}/{{PhoneNumber}}",
        },
        safelist,
    ),
}
