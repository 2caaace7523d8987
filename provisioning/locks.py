"""Row locks of provisioning, in the one order every transaction takes them.

Tenant, then subaccount, then numbers. A provisioning request locks the tenant and then the
subaccount; a task or staff action that locked the subaccount alone and then wrote an audit
row (which references, and so share-locks, the tenant) waited on that request while it
waited on them: a deadlock under concurrent staff provisioning.
"""

from typing import Any

from provisioning.models import TwilioSubaccount
from tenants.services import tenant_lock


def subaccount_lock(subaccount_id: Any) -> TwilioSubaccount:
    """Lock a subaccount row, after its tenant's row (raises DoesNotExist without one)."""
    tenant_id = TwilioSubaccount.objects.values_list("tenant_id", flat=True).get(pk=subaccount_id)
    tenant_lock(tenant_id)
    return (
        TwilioSubaccount.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .get(pk=subaccount_id)
    )
