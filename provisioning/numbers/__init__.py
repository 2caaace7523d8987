"""A tenant's phone numbers: search, buy, primary, release, sync with Twilio, and the pool.

Numbers live in the tenant's subaccount, with their SMS webhooks pointing at the platform.
The pool holds numbers bought into the master account ahead of demand; allocating one moves
it (same SID) into a subaccount, and releasing it can bring it back.

What lives where: `purchase` (search, buy, the first number), `release` (primary, release),
`sync` (match Twilio), `pool` (buy, allocate, release pool numbers), `common` (webhook URLs,
prices, the checks and the row every one of them shares). The public names are re-exported
here, so `from provisioning.numbers import number_buy` keeps working.
"""

from provisioning.numbers.common import monthly_price, number_type_of, webhook_urls
from provisioning.numbers.pool import pool_allocate, pool_buy, pool_release
from provisioning.numbers.purchase import NumberOffer, buy_first_number, number_buy, number_search
from provisioning.numbers.release import number_release, number_set_primary
from provisioning.numbers.sync import numbers_sync

__all__ = [
    "NumberOffer",
    "buy_first_number",
    "monthly_price",
    "number_buy",
    "number_release",
    "number_search",
    "number_set_primary",
    "number_type_of",
    "numbers_sync",
    "pool_allocate",
    "pool_buy",
    "pool_release",
    "webhook_urls",
]
