"""Demo data for WhatsApp: the demo tenant's number that `messaging.demo` made a WhatsApp
sender in the sandbox shows on the WhatsApp page as the online sender it is (synced from
Twilio, as a sender made in Twilio's Console would be). More senders are connected from the
portal ("Connect WhatsApp", with a second number bought there). Safe to run again."""

import logging

from provisioning.accounts import NoTwilioAccount
from tenants.models import Tenant
from whatsapp.services import sync_senders

logger = logging.getLogger(__name__)


def sync_demo_senders(tenant: Tenant) -> None:
    try:
        added = sync_senders(tenant)
    except NoTwilioAccount as err:
        logger.info("demo: %s has no subaccount yet; WhatsApp senders not synced (%s)", tenant, err)
        return
    if added:
        logger.info("demo: recorded %s WhatsApp sender(s) of %s", added, tenant)
