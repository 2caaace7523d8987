"""Demo step of `make run`: the demo tenant gets an active subaccount and a number.

Runs the services synchronously (the in-process sandbox answers at once), so the demo is
ready when the server starts. Idempotent: a second run finds both and does nothing.
"""

import logging

from provisioning.api_keys import subaccount_ensure_api_key
from provisioning.numbers import number_buy, number_search
from provisioning.selectors import active_numbers, open_subaccount
from provisioning.services import subaccount_provision, subaccount_request
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)
DEMO_AREA_CODE = "415"


def _active_subaccount(tenant: Tenant):
    """The tenant's subaccount, requested and provisioned if needed; None unless active."""
    sub = open_subaccount(tenant)
    if sub is None or sub.status == sub.Status.FAILED:
        sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    if sub.status in (sub.Status.PENDING, sub.Status.PROVISIONING):
        sub = subaccount_provision(str(sub.pk))
    if sub.status != sub.Status.ACTIVE:
        logger.warning("demo subaccount of %s is %s; no number bought", tenant.slug, sub.status)
        return None
    # A demo database from before API keys gets the key here, so `make run` uses it at once.
    return subaccount_ensure_api_key(sub)


def provision_demo_tenant(tenant: Tenant) -> None:
    sub = _active_subaccount(tenant)
    if sub is not None and not active_numbers(tenant).exists():
        number = number_buy(tenant=tenant, actor=Actor.system(), area_code=DEMO_AREA_CODE)
        logger.info("demo tenant got %s (%s)", number.phone_number, sub.sid)


def provision_toll_free_demo_tenant(tenant: Tenant) -> None:
    """The toll-free demo tenant: an active subaccount and one toll-free number, nothing else."""
    sub = _active_subaccount(tenant)
    if sub is not None and not active_numbers(tenant).exists():
        offer = number_search(tenant=tenant, number_type="toll_free", limit=1)[0]
        number = number_buy(tenant=tenant, actor=Actor.system(), phone_number=offer.phone_number)
        logger.info("toll-free demo tenant got %s (%s)", number.phone_number, sub.sid)
