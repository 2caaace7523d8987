"""Demo step of `make run`: the demo tenant gets an active subaccount and a number.

Runs the services synchronously (the in-process sandbox answers at once), so the demo is
ready when the server starts. Idempotent: a second run finds both and does nothing.
"""

import logging

from provisioning.api_keys import subaccount_ensure_api_key
from provisioning.numbers import number_buy
from provisioning.selectors import active_numbers, open_subaccount
from provisioning.services import subaccount_provision, subaccount_request
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)
DEMO_AREA_CODE = "415"


def provision_demo_tenant(tenant: Tenant) -> None:
    system = Actor.system()
    sub = open_subaccount(tenant)
    if sub is None or sub.status == sub.Status.FAILED:
        sub = subaccount_request(tenant=tenant, actor=system, enqueue=False)
    if sub.status in (sub.Status.PENDING, sub.Status.PROVISIONING):
        sub = subaccount_provision(str(sub.pk))
    if sub.status != sub.Status.ACTIVE:
        logger.warning("demo subaccount is %s; no number bought", sub.status)
        return
    # A demo database from before API keys gets the key here, so `make run` uses it at once.
    sub = subaccount_ensure_api_key(sub)
    if not active_numbers(tenant).exists():
        number = number_buy(tenant=tenant, actor=system, area_code=DEMO_AREA_CODE)
        logger.info("demo tenant got %s (%s)", number.phone_number, sub.sid)
